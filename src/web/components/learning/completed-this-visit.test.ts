import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completedThisVisit, markCompletedThisVisit, subscribeToCompletions } from './completed-this-visit.ts';

describe('courses completed in this visit', () => {
  it('remembers a completion for whoever asks later, and tells subscribers once', () => {
    const courseId = crypto.randomUUID();
    let told = 0;
    const unsubscribe = subscribeToCompletions(() => told++);
    assert.equal(completedThisVisit(courseId), false);
    markCompletedThisVisit(courseId);
    markCompletedThisVisit(courseId);
    assert.equal(told, 1, 'a second answer saying so changes nothing');
    unsubscribe();
    // A player made again after the answer still knows.
    assert.equal(completedThisVisit(courseId), true);
    assert.equal(completedThisVisit(crypto.randomUUID()), false, 'only that course');
    markCompletedThisVisit(crypto.randomUUID());
    assert.equal(told, 1, 'an unsubscribed listener is not called');
  });
});
