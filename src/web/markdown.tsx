// Authors' markdown (a course's short description, a question's text) rendered safely.
// react-markdown builds React elements, never HTML strings: raw HTML in the source is dropped
// (skipHtml) and link and image URLs pass its default transform, which removes javascript: and
// other unsafe protocols. So nothing an author types can run script in our origin.
import { Typography } from '@mantine/core';
import type { ComponentProps, ReactNode } from 'react';
import ReactMarkdown, { type Components, defaultUrlTransform } from 'react-markdown';

type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export type MarkdownProps = {
  children: string;
  /**
   * The level a markdown `#` heading takes on the page (default 3), so an author's headings sit
   * below the page's own and keep the heading order screen readers navigate by.
   */
  headingLevel?: HeadingLevel;
  /** Render only inline content (no paragraphs, lists or headings), e.g. for an answer's text. */
  inline?: boolean;
} & Pick<ComponentProps<typeof Typography>, 'className' | 'fz'>;

const INLINE_ELEMENTS = ['p', 'em', 'strong', 'code', 'a', 'del', 'br', 'img'];

export function Markdown({ children, headingLevel = 3, inline = false, className, fz }: MarkdownProps) {
  const rendered = (
    <ReactMarkdown
      skipHtml
      urlTransform={defaultUrlTransform}
      components={componentsFor(headingLevel, inline)}
      allowedElements={inline ? INLINE_ELEMENTS : undefined}
      unwrapDisallowed={inline}
    >
      {children}
    </ReactMarkdown>
  );
  if (inline) return rendered;
  return (
    <Typography className={className} fz={fz}>
      {rendered}
    </Typography>
  );
}

function componentsFor(headingLevel: HeadingLevel, inline: boolean): Components {
  const shifted =
    (depth: number) =>
    ({ children }: { children?: ReactNode }) => {
      const level = Math.min(6, headingLevel + depth - 1) as HeadingLevel;
      const Tag = `h${level}` as const;
      return <Tag>{children}</Tag>;
    };
  return {
    // Inline text must not open a block: its paragraphs become plain spans.
    p: inline ? ({ children }) => <span>{children}</span> : ({ children }) => <p>{children}</p>,
    a: ({ href, children }) => (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ),
    h1: shifted(1),
    h2: shifted(2),
    h3: shifted(3),
    h4: shifted(4),
    h5: shifted(5),
    h6: shifted(6),
  };
}
