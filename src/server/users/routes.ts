// HTTP for one's own profile and for administrators' account management.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  changePasswordInputSchema,
  createUserInputSchema,
  updateProfileInputSchema,
  updateUserInputSchema,
} from '../../shared/accounts.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { presentUser } from './presenter.ts';
import type { UserRow } from './repository.ts';
import type { UsersService } from './service.ts';

const userIdParams = z.object({ id: z.string().min(1).max(64) });

export function registerUsersRoutes(app: FastifyInstance, deps: { users: UsersService }): void {
  const { users } = deps;

  // Routes declared 'signed-in' or with roles only run with a user; this states it for the types.
  const currentUser = (user: UserRow | null): UserRow => {
    if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in to continue.');
    return user;
  };

  app.get('/api/me', { config: { access: 'signed-in' } }, async (request) => {
    return { user: presentUser(currentUser(request.user)) };
  });

  app.patch('/api/me', { config: { access: 'signed-in' } }, async (request) => {
    const input = parseInput(updateProfileInputSchema, request.body);
    const user = await users.updateProfile(currentUser(request.user).id, input.displayName);
    return { user: presentUser(user) };
  });

  app.post('/api/me/password', { config: { access: 'signed-in' } }, async (request, reply) => {
    const input = parseInput(changePasswordInputSchema, request.body);
    const sessionIdHash = request.session?.id_hash ?? '';
    await users.changePassword(currentUser(request.user).id, sessionIdHash, input, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    return reply.code(204).send();
  });

  app.get('/api/admin/users', { config: { access: ['admin'] } }, async () => {
    return { users: (await users.list()).map(presentUser) };
  });

  app.post('/api/admin/users', { config: { access: ['admin'] } }, async (request, reply) => {
    const input = parseInput(createUserInputSchema, request.body);
    const user = await users.create(input);
    return reply.code(201).send({ user: presentUser(user) });
  });

  app.patch('/api/admin/users/:id', { config: { access: ['admin'] } }, async (request) => {
    const { id } = parseInput(userIdParams, request.params);
    const input = parseInput(updateUserInputSchema, request.body);
    const user = await users.update(currentUser(request.user).id, id, input);
    return { user: presentUser(user) };
  });
}
