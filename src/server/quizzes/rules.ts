// The publishing rules are pure and shared with the browser (the test editor checks as the author
// types); they live in src/shared/quiz-rules.ts.
export * from '../../shared/quiz-rules.ts';
