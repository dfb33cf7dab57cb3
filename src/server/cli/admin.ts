// `npm run admin -- <command>`: account administration for headless installs.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createUserInputSchema, emailSchema, passwordSchema, roleSchema } from '../../shared/accounts.ts';
import { createAuthRepository } from '../auth/repository.ts';
import { createAuthService } from '../auth/service.ts';
import { DomainError, notFound } from '../errors.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { createUsersRepository } from '../users/repository.ts';
import { createUsersService } from '../users/service.ts';
import { exitWith, loadConfigOrExit, openMigratedDatabase } from './context.ts';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-user --email E --name N --role admin|author|learner [--password-stdin]
                 Creates an account. Without --password-stdin a strong password is generated and printed once.
  list-users     Lists every account.
  set-password --email E [--password-stdin]
                 Sets a new password (generated unless given on stdin) and ends the user's sessions.
  set-role --email E --role R
  disable --email E | enable --email E`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const command = positionals[0];
if (values.help || !command) exitWith(USAGE, values.help ? 0 : 2);

async function readPassword(): Promise<{ password: string; generated: boolean }> {
  if (!values['password-stdin']) return { password: randomBytes(15).toString('base64url'), generated: true };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return { password: Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, ''), generated: false };
}

const config = loadConfigOrExit();
const db = await openMigratedDatabase(config);
const usersRepository = createUsersRepository(db);
const auth = createAuthService(
  { db, auth: createAuthRepository(db), users: usersRepository },
  { session: config.session, loginThrottle: config.loginThrottle, passwordScryptLogN: config.passwordScryptLogN },
);
const users = createUsersService({ db, users: usersRepository, auth }, { passwordScryptLogN: config.passwordScryptLogN });

async function userIdByEmail(): Promise<string> {
  const email = parseInput(emailSchema, values.email ?? '');
  const user = await usersRepository.findByEmail(email);
  if (!user) throw notFound(`No account with the email ${email}.`);
  return user.id;
}

try {
  switch (command) {
    case 'create-user': {
      const { password, generated } = await readPassword();
      const input = parseInput(createUserInputSchema, { email: values.email, displayName: values.name, role: values.role, password });
      const user = await users.create(input);
      console.log(`Created ${user.role} ${user.email} (${user.id}).`);
      if (generated) console.log(`Password: ${password}\nIt is shown only now; the user can change it under Account.`);
      break;
    }
    case 'list-users': {
      for (const u of await users.list()) {
        console.log([u.email.padEnd(36), u.role.padEnd(8), u.disabled_at ? 'disabled' : 'active  ', u.display_name].join(' '));
      }
      break;
    }
    case 'set-password': {
      const id = await userIdByEmail();
      const { password, generated } = await readPassword();
      await users.setPassword(id, parseInput(passwordSchema, password));
      console.log(generated ? `New password: ${password}` : 'Password changed.');
      break;
    }
    case 'set-role': {
      const id = await userIdByEmail();
      const user = await users.update('cli', id, { role: parseInput(roleSchema, values.role ?? '') });
      console.log(`${user.email} is now ${user.role}.`);
      break;
    }
    case 'disable':
    case 'enable': {
      const id = await userIdByEmail();
      const user = await users.update('cli', id, { disabled: command === 'disable' });
      console.log(`${user.email} is ${user.disabled_at ? 'disabled; their sessions have ended' : 'enabled'}.`);
      break;
    }
    default:
      exitWith(`Unknown command "${command}".\n\n${USAGE}`, 2);
  }
} catch (err) {
  if (err instanceof HttpError || err instanceof DomainError) exitWith(`lectern: ${err.message}`);
  throw err;
} finally {
  await db.destroy();
}
