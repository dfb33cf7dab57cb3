// The people most browser tests start from, made over the API (setup, then the admin creates the
// others), for tests where making accounts is not what is under test.
import assert from 'node:assert/strict';
import { type ApiClient, apiClient, signIn } from './api.ts';
import { TEST_ADMIN, TEST_PASSWORD } from './session.ts';

export const TEST_AUTHOR = { email: 'grace@example.org', name: 'Grace Author' } as const;
export const TEST_LEARNER = { email: 'lin@example.org', name: 'Lin Learner' } as const;

export interface People {
  /** Signed in as the administrator made by setup. */
  admin: ApiClient;
  /** Signed in as Grace Author. */
  author: ApiClient;
}

/**
 * The administrator, an author and (unless `learner: false`) a learner, all with TEST_PASSWORD;
 * `moreLearners` adds others ({ email, name }).
 */
export async function seedPeople(
  base: string,
  options: { learner?: boolean; moreLearners?: readonly { email: string; name: string }[] } = {},
): Promise<People> {
  const admin = await apiClient(base);
  const setup = await admin.request('POST', '/api/setup', {
    email: TEST_ADMIN.email,
    displayName: TEST_ADMIN.name,
    password: TEST_PASSWORD,
  });
  assert.equal(setup.status, 201, setup.text);
  const others = [
    { ...TEST_AUTHOR, role: 'author' },
    ...(options.learner === false ? [] : [{ ...TEST_LEARNER, role: 'learner' }]),
    ...(options.moreLearners ?? []).map((l) => ({ ...l, role: 'learner' })),
  ];
  for (const { email, name, role } of others) {
    const created = await admin.request('POST', '/api/admin/users', {
      email,
      displayName: name,
      role,
      password: TEST_PASSWORD,
    });
    assert.equal(created.status, 201, created.text);
  }
  return { admin, author: await signIn(base, TEST_AUTHOR.email, TEST_PASSWORD) };
}
