// HTTP for one's own profile and for administrators' account management.
import { z } from 'zod';
import {
  changePasswordInputSchema,
  createUserInputSchema,
  updateProfileInputSchema,
  updateUserInputSchema,
  userResponseSchema,
  usersResponseSchema,
} from '../../shared/accounts.ts';
import { type Api, noContent } from '../http/contract.ts';
import { HttpError } from '../http/errors.ts';
import { presentUser } from './presenter.ts';
import type { UserRow } from './repository.ts';
import type { UsersService } from './service.ts';

const userIdParams = z.object({ id: z.string().min(1).max(64) });
const tags = ['Accounts'];

export function registerUsersRoutes(app: Api, deps: { users: UsersService }): void {
  const { users } = deps;

  // Routes declared 'signed-in' or with roles only run with a user; this states it for the types.
  const currentUser = (user: UserRow | null): UserRow => {
    if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in to continue.');
    return user;
  };

  app.get(
    '/api/me',
    { config: { access: 'signed-in' }, schema: { tags, response: { 200: userResponseSchema } } },
    async (request) => {
      return { user: presentUser(currentUser(request.user)) };
    },
  );

  app.patch(
    '/api/me',
    {
      config: { access: 'signed-in' },
      schema: { tags, body: updateProfileInputSchema, response: { 200: userResponseSchema } },
    },
    async (request) => {
      const user = await users.updateProfile(currentUser(request.user).id, request.body.displayName);
      return { user: presentUser(user) };
    },
  );

  app.post(
    '/api/me/password',
    {
      config: { access: 'signed-in' },
      schema: { tags, body: changePasswordInputSchema, response: { 204: noContent } },
    },
    async (request, reply) => {
      const sessionIdHash = request.session?.id_hash ?? '';
      await users.changePassword(currentUser(request.user).id, sessionIdHash, request.body, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/admin/users',
    { config: { access: ['admin'] }, schema: { tags, response: { 200: usersResponseSchema } } },
    async () => {
      return { users: (await users.list()).map(presentUser) };
    },
  );

  app.post(
    '/api/admin/users',
    {
      config: { access: ['admin'] },
      schema: { tags, body: createUserInputSchema, response: { 201: userResponseSchema } },
    },
    async (request, reply) => {
      const user = await users.create(request.body);
      return reply.code(201).send({ user: presentUser(user) });
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config: { access: ['admin'] },
      schema: { tags, params: userIdParams, body: updateUserInputSchema, response: { 200: userResponseSchema } },
    },
    async (request) => {
      const user = await users.update(currentUser(request.user).id, request.params.id, request.body);
      return { user: presentUser(user) };
    },
  );
}
