// The signed-in user's menu in the header: their account page and signing out.
import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link, useNavigate } from 'react-router';
import type { PublicUser } from '../../shared/accounts.ts';
import { errorMessage } from '../forms.ts';
import { useSession } from '../session.tsx';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}

export function UserMenu({ user }: { user: PublicUser }) {
  const { signOut } = useSession();
  const navigate = useNavigate();

  async function handleSignOut() {
    try {
      await signOut();
      navigate('/login', { replace: true });
      notifications.show({ message: 'You have been signed out.' });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not sign out', message: errorMessage(error) });
    }
  }

  return (
    <Menu position="bottom-end" width={220}>
      <Menu.Target>
        <UnstyledButton aria-label={`User menu for ${user.displayName}`} className="user-menu-button">
          <Group gap="xs" wrap="nowrap">
            <Avatar color="blue" radius="xl" size="sm" aria-hidden="true">
              {initials(user.displayName)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="xs">
              {user.displayName}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{user.email}</Menu.Label>
        <Menu.Item component={Link} to="/account">
          Account
        </Menu.Item>
        <Menu.Item onClick={handleSignOut}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
