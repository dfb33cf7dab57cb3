// The Test step's editor, for the course wizard: settings, categories → questions → answers, with
// live problems and a learner's-eye preview. See TestSetEditor.tsx.
export { QuestionPreview } from './QuestionPreview.tsx';
export { TestSetEditor, type TestSetEditorProps } from './TestSetEditor.tsx';
