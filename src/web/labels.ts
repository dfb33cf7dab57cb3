// How roles and statuses are named on screen.
import type { Role } from '../shared/accounts.ts';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  author: 'Author',
  learner: 'Learner',
};
