// The attempt's question navigator: one button per question, saying (in words, not only colour)
// whether it is answered, flagged or not saved yet; the current one is marked for screen readers.
import { Group, Text, UnstyledButton } from '@mantine/core';
import type { QuestionAnswer } from './answer-saver.ts';
import type { AttemptQuestion } from './QuestionView.tsx';

export function questionState(answer: QuestionAnswer | undefined): {
  answered: boolean;
  flagged: boolean;
  unsaved: boolean;
  refused: boolean;
} {
  return {
    answered: (answer?.answerIds.length ?? 0) > 0,
    flagged: answer?.flagged ?? false,
    unsaved: answer?.status.kind === 'unsaved' || answer?.status.kind === 'saving',
    refused: answer?.status.kind === 'refused',
  };
}

export function QuestionNavigator(props: {
  questions: readonly AttemptQuestion[];
  answers: ReadonlyMap<string, QuestionAnswer>;
  current: number | null;
  onGo(number: number): void;
}) {
  return (
    <nav aria-labelledby="navigator-heading" className="attempt-navigator">
      <Text component="h2" size="sm" fw={600} id="navigator-heading" mb={4}>
        Questions
      </Text>
      <Group gap={6} component="ul" className="attempt-navigator-list">
        {props.questions.map((q) => {
          const s = questionState(props.answers.get(q.id));
          const words = [
            s.answered ? 'answered' : 'unanswered',
            s.flagged ? 'flagged' : '',
            s.refused ? 'not saved' : s.unsaved ? 'not saved yet' : '',
          ]
            .filter(Boolean)
            .join(', ');
          return (
            <li key={q.id}>
              <UnstyledButton
                className="attempt-nav-button"
                data-answered={s.answered || undefined}
                data-flagged={s.flagged || undefined}
                data-unsaved={s.unsaved || s.refused || undefined}
                aria-current={props.current === q.number ? 'step' : undefined}
                aria-label={`Question ${q.number}, ${words}`}
                onClick={() => props.onGo(q.number)}
              >
                {q.number}
                {s.flagged && (
                  <span aria-hidden="true" className="attempt-nav-flag">
                    ⚑
                  </span>
                )}
                {(s.unsaved || s.refused) && (
                  <span aria-hidden="true" className="attempt-nav-unsaved">
                    !
                  </span>
                )}
              </UnstyledButton>
            </li>
          );
        })}
      </Group>
      <Text size="xs" c="gray.7" mt={6}>
        Filled: answered · ⚑ flagged · ! not saved yet
      </Text>
    </nav>
  );
}
