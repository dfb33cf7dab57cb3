import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { courseStanding, mayAuthor, mayManage, mayReadFile, mayEnrolSelf, mayEnrolOthers } from './policies.ts';

const admin = { id: 'a', role: 'admin' as const };
const author = { id: 'b', role: 'author' as const };
const otherAuthor = { id: 'c', role: 'author' as const };
const learner = { id: 'd', role: 'learner' as const };

describe('policies', () => {
  it('lets the owner or an administrator manage a thing, nobody else', () => {
    const draft = { ownerId: author.id };
    assert.equal(mayManage(author, draft), true);
    assert.equal(mayManage(admin, draft), true);
    assert.equal(mayManage(otherAuthor, draft), false);
    assert.equal(mayManage(learner, draft), false);
  });

  it('lets authors and administrators author', () => {
    assert.deepEqual([admin, author, learner].map(mayAuthor), [true, true, false]);
  });

  it('tells an author, an enrolled learner and a visitor of a course apart', () => {
    const course = { ownerId: author.id };
    assert.equal(courseStanding(author, course, null), 'author');
    assert.equal(courseStanding(admin, course, 2), 'author');
    assert.equal(courseStanding(learner, course, 1), 'learner');
    assert.equal(courseStanding(learner, course, null), 'visitor');
    assert.equal(courseStanding(otherAuthor, course, null), 'visitor');
  });

  it('lets a file be read by its manager without asking about courses, and by a course reader', async () => {
    const file = { ownerId: author.id };
    let asked = 0;
    const throughCourse = (answer: boolean) => async () => {
      asked += 1;
      return answer;
    };
    assert.equal(await mayReadFile(author, file, throughCourse(false)), true);
    assert.equal(asked, 0);
    assert.equal(await mayReadFile(learner, file, throughCourse(true)), true);
    assert.equal(await mayReadFile(learner, file, throughCourse(false)), false);
    assert.equal(asked, 2);
  });
  it('lets anyone enrol in an open course; by invitation, only its managers and learners who left', () => {
    const open = { ownerId: author.id, selfEnrolment: 'open' as const };
    const invitation = { ownerId: author.id, selfEnrolment: 'invitation' as const };
    assert.equal(mayEnrolSelf(learner, open, false), true);
    assert.equal(mayEnrolSelf(learner, invitation, false), false);
    assert.equal(mayEnrolSelf(otherAuthor, invitation, false), false);
    assert.equal(mayEnrolSelf(learner, invitation, true), true);
    assert.equal(mayEnrolSelf(admin, invitation, false), true);
    assert.deepEqual([admin, author, otherAuthor, learner].map((a) => mayEnrolOthers(a, open)), [true, true, false, false]);
  });
});
