// The time left in an attempt, from the server's deadline and clock offset against Date.now() on
// every render (a slowed background tab is right when it wakes). Screen readers hear it at 10, 5
// and 1 minutes left and when time is up, through a polite live region, never every second.
import { Text, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { announcementFor, describeRemaining, formatRemaining, remainingMs } from './countdown.ts';

export function AttemptTimer({
  deadlineMs,
  offsetMs,
  onTimeUp,
}: {
  deadlineMs: number;
  offsetMs: number;
  onTimeUp(): void;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const timer = setInterval(tick, 1_000);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, []);
  const remaining = remainingMs(deadlineMs, offsetMs, now);
  const previous = useRef<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const timeUp = useRef(onTimeUp);
  timeUp.current = onTimeUp;
  useEffect(() => {
    const before = previous.current;
    previous.current = remaining;
    if (before !== null) {
      const said = before > 0 && remaining === 0 ? 'Time is up.' : announcementFor(before, remaining);
      if (said) setAnnouncement(said);
    }
    if (remaining === 0) timeUp.current();
  }, [remaining]);
  const low = remaining <= 60_000;
  return (
    <div className="attempt-timer">
      <Text size="sm" c="gray.7">
        Time left
      </Text>
      <Text
        role="timer"
        aria-label={describeRemaining(remaining)}
        fz="xl"
        fw={700}
        c={low ? 'red.9' : undefined}
        className="attempt-timer-value"
      >
        {formatRemaining(remaining)}
      </Text>
      <VisuallyHidden aria-live="polite" aria-atomic="true">
        {announcement}
      </VisuallyHidden>
    </div>
  );
}
