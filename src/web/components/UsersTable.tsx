// The list of all accounts, with a role select and a disable/enable button on each row.
import { Badge, Button, NativeSelect, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { type PublicUser, ROLES, type Role, type UpdateUserInput } from '../../shared/accounts.ts';
import { EMPTY_USAGE, type StorageUsage } from '../../shared/quotas.ts';
import { ROLE_LABELS } from '../labels.ts';
import { UsageCell } from './StorageUsage.tsx';
import { TableScroller } from './TableScroller.tsx';

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A readable date; an unparseable value is shown as it came rather than breaking the table. */
function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

interface UsersTableProps {
  users: PublicUser[];
  currentUserId: string;
  /** Saves a change; resolves to false if the server refused it. */
  onUpdate: (user: PublicUser, change: UpdateUserInput) => Promise<boolean>;
  labelledBy: string;
  /** Each user's files and uploads by user id; null while loading, undefined when it could not be loaded. */
  usage?: Map<string, StorageUsage> | null;
}

export function UsersTable({ users, currentUserId, onUpdate, labelledBy, usage }: UsersTableProps) {
  return (
    <TableScroller minWidth={880} label="Users (scrolls sideways)">
      <Table striped highlightOnHover verticalSpacing="sm" aria-labelledby={labelledBy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Email</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Files</Table.Th>
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <UserRow
              key={user.id}
              user={user}
              isSelf={user.id === currentUserId}
              onUpdate={onUpdate}
              usage={usage ? (usage.get(user.id) ?? EMPTY_USAGE) : usage}
            />
          ))}
        </Table.Tbody>
      </Table>
    </TableScroller>
  );
}

interface UserRowProps {
  user: PublicUser;
  isSelf: boolean;
  onUpdate: UsersTableProps['onUpdate'];
  usage: StorageUsage | null | undefined;
}

function UserRow({ user, isSelf, onUpdate, usage }: UserRowProps) {
  // The role just picked, shown while the server saves it; null shows the saved role.
  const [pendingRole, setPendingRole] = useState<Role | null>(null);
  const [busy, setBusy] = useState(false);

  // Controls stay enabled while saving (disabling them would throw keyboard focus away);
  // a second action during a save is ignored instead.
  async function update(change: UpdateUserInput) {
    if (busy) return;
    setBusy(true);
    await onUpdate(user, change);
    setBusy(false);
    setPendingRole(null);
  }

  return (
    <Table.Tr>
      <Table.Th scope="row" fw={500}>
        {user.displayName}
        {isSelf && (
          <Text span size="sm" c="dimmed" ml={6}>
            (you)
          </Text>
        )}
      </Table.Th>
      <Table.Td>{user.email}</Table.Td>
      <Table.Td>
        <NativeSelect
          // Not "Role for …": the name must not contain the create form's "Role" label.
          aria-label={`Access level for ${user.displayName}`}
          data={ROLE_OPTIONS}
          value={pendingRole ?? user.role}
          onChange={(event) => {
            const role = event.currentTarget.value as Role;
            setPendingRole(role);
            void update({ role });
          }}
          size="xs"
          w={150}
        />
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={user.disabled ? 'gray' : 'green'}>
          {user.disabled ? 'Disabled' : 'Active'}
        </Badge>
      </Table.Td>
      <Table.Td>
        <UsageCell usage={usage} />
      </Table.Td>
      <Table.Td>
        <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          color={user.disabled ? 'blue' : 'red'}
          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.displayName}`}
          aria-busy={busy || undefined}
          onClick={() => void update({ disabled: !user.disabled })}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
