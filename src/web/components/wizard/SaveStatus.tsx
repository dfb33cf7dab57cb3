// "Saved" / "Saving…" / "Offline — retrying": the autosave's state, in a polite live region so a
// screen reader hears when work is safe, without being interrupted on every key.
import { Group, Loader, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { SaveStatus as Status } from './draft-saver.ts';
import classes from './wizard.module.css';

function secondsUntil(at: number): number {
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export function saveStatusText(status: Status): string {
  switch (status.kind) {
    case 'saved':
      return 'Saved';
    case 'saving':
      return 'Saving…';
    case 'offline':
      return 'Offline — retrying';
    case 'invalid':
      return `Not saved — ${status.message}`;
    case 'conflict':
      return 'Not saved — changed elsewhere';
    case 'gone':
      return 'Not saved — the draft no longer exists';
    case 'refused':
      return `Not saved — ${status.message}`;
  }
}

export function SaveStatus({ status }: { status: Status }) {
  // The countdown to the next try is shown, not announced (it changes every second).
  const [, tick] = useState(0);
  useEffect(() => {
    if (status.kind !== 'offline') return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [status.kind]);
  const problem = status.kind !== 'saved' && status.kind !== 'saving' && status.kind !== 'offline';
  return (
    <Group gap="xs" wrap="nowrap">
      {(status.kind === 'saving' || status.kind === 'offline') && <Loader size="xs" aria-hidden="true" />}
      <Text
        role="status"
        size="sm"
        fw={500}
        c={problem ? 'red.9' : status.kind === 'offline' ? undefined : 'dimmed'}
        className={status.kind === 'offline' ? classes.warningText : undefined}
      >
        {saveStatusText(status)}
      </Text>
      {status.kind === 'offline' && (
        <Text size="xs" c="dimmed" aria-hidden="true">
          (next try in {secondsUntil(status.retryAt)} s)
        </Text>
      )}
    </Group>
  );
}
