// The job a recorded completion writes (in the same transaction): certificates will be issued here.
// For now it checks the completion it announces exists, so a later handler can rely on it.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { handle } from '../jobs/registry.ts';
import { createLearningRepository } from './repository.ts';

export function courseCompletedHandler(db: Kysely<DB>, logger: Pick<FastifyBaseLogger, 'info'>) {
  const learning = createLearningRepository(db);
  return handle('learning.course-completed', async ({ userId, courseId, version }) => {
    const completion = await learning.findCompletion(userId, courseId, version);
    if (!completion) throw new Error(`No completion is recorded for user ${userId} in course ${courseId} version ${version}`);
    logger.info({ userId, courseId, version }, 'course completed');
  });
}
