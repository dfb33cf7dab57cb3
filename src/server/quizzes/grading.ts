// Grading and drawing are pure and shared with the browser (the editor's question preview);
// they live in src/shared/quiz-grading.ts.
export * from '../../shared/quiz-grading.ts';
