// A published course made over the API (a draft with its basics, files and test, then published), for
// browser tests where authoring is not what is under test. The wizard has its own tests.
import assert from 'node:assert/strict';
import type { z } from 'zod';
import type { assetResponseSchema } from '../../../src/shared/assets.ts';
import type { PublishResult } from '../../../src/shared/courses.ts';
import type { draftResponseSchema } from '../../../src/shared/drafts.ts';
import type { TestSetInput } from '../../../src/shared/quiz.ts';
import { type ApiClient, eventually } from './api.ts';

export interface CourseFile {
  /** A file on disk, uploaded into the draft. */
  path: string;
  /** The upload's kind: 'pdf', 'image', 'video' … */
  kind: string;
  title: string;
  description?: string;
  /** Default true. */
  required?: boolean;
  learnerMarksDone?: boolean;
}

export interface CourseToPublish {
  title: string;
  shortDescription?: string;
  topics?: string[];
  /** Default 'en'. */
  language?: string;
  versionLabel?: string;
  /** An image on disk, uploaded as the cover. */
  cover?: string;
  /** In the order learners see them. */
  files?: CourseFile[];
  /** The test set (none when absent); a function is given the files' asset ids, e.g. for question images. */
  test?: TestSetInput | ((fileIds: string[]) => TestSetInput);
}

export interface PublishedCourse {
  courseId: string;
  version: number;
  draftId: string;
  /** The files' asset ids, in the order given. */
  fileIds: string[];
  coverId: string | null;
}

/** Waits until the server has processed an uploaded file (state `ready`). */
export async function assetReady(client: ApiClient, assetId: string, what = `asset ${assetId}`): Promise<void> {
  await eventually(
    async () => {
      const answer = (await client.request('GET', `/api/assets/${assetId}`)).json();
      return (answer as z.infer<typeof assetResponseSchema>).asset.state === 'ready';
    },
    `${what} to be ready`,
    120_000,
  );
}

/** Creates a draft as `author`, uploads its files and cover, waits for them to be ready, saves and publishes it. */
export async function publishCourse(author: ApiClient, course: CourseToPublish): Promise<PublishedCourse> {
  const created = await author.request('POST', '/api/drafts');
  assert.equal(created.status, 201, created.text);
  const { draft } = created.json() as z.infer<typeof draftResponseSchema>;
  const fileIds: string[] = [];
  for (const file of course.files ?? []) fileIds.push(await author.upload(file.path, file.kind, { draftId: draft.id }));
  const coverId = course.cover ? await author.upload(course.cover, 'image', { draftId: draft.id }) : null;
  await Promise.all(
    [...fileIds, ...(coverId ? [coverId] : [])].map((id, i) =>
      assetReady(author, id, course.files?.[i]?.title ?? 'the cover'),
    ),
  );

  const saved = await author.request('PATCH', `/api/drafts/${draft.id}`, {
    revision: draft.revision,
    basics: {
      title: course.title,
      versionLabel: course.versionLabel ?? '',
      shortDescription: course.shortDescription ?? '',
      topics: course.topics ?? [],
      language: course.language ?? 'en',
      coverAssetId: coverId,
    },
    files: (course.files ?? []).map((file, i) => ({
      assetId: fileIds[i],
      title: file.title,
      description: file.description ?? '',
      required: file.required ?? true,
      ...(file.learnerMarksDone === undefined ? {} : { learnerMarksDone: file.learnerMarksDone }),
    })),
    test:
      typeof course.test === 'function'
        ? course.test(fileIds)
        : (course.test ?? { settings: { enabled: false }, categories: [] }),
  });
  assert.equal(saved.status, 200, saved.text);
  const published = await author.request('POST', `/api/drafts/${draft.id}/publish`);
  assert.equal(published.status, 200, published.text);
  const { courseId, version } = published.json() as PublishResult;
  return { courseId, version, draftId: draft.id, fileIds, coverId };
}
