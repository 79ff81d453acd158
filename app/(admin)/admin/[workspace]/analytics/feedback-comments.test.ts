import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FeedbackComments } from './feedback-comments';

describe('feedback comments on the analytics page', () => {
  it('shows what a subscriber typed as text, never as markup', () => {
    const html = renderToStaticMarkup(
      createElement(FeedbackComments, {
        comments: [
          {
            id: '1',
            reason: 'other',
            reasonLabel: 'Other',
            comment: '<img src=x onerror=alert(1)> & <script>alert(2)</script>',
            optedOutAt: '2026-05-02T14:00:00Z',
          },
        ],
      }),
    );
    expect(html).toContain(
      '&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;',
    );
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain('Other · opted out');
  });

  it('says so when there are no comments', () => {
    expect(renderToStaticMarkup(createElement(FeedbackComments, { comments: [] }))).toContain(
      'No comments in this period yet.',
    );
  });
});
