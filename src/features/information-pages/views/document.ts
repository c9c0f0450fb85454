/**
 * A long document (the terms of use, the guide) as one page: an h1, a table of contents whose
 * links go to the section headings (RGAA 12.6: a way to reach each part), then the sections.
 * Section ids are the same in French and in English, so a link such as /cgu#article-8 works in
 * both languages.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages, type InformationMessages } from '../messages.ts'

export interface DocumentSection {
  id: string
  title: string
  body: Html
  subsections?: DocumentSection[]
}

export interface DocumentContent {
  title: string
  intro: Html
  sections: DocumentSection[]
}

export function documentView (request: FastifyRequest, content: DocumentContent): Html {
  const t = messages[request.lang]
  return html`<div class="prose document">
<h1>${content.title}</h1>
${content.intro}
<nav class="toc" aria-labelledby="sommaire">
  <h2 id="sommaire">${t.tableOfContents}</h2>
  ${tableOfContents(content.sections)}
</nav>
${content.sections.map((section) => sectionView(t, section))}
</div>`
}

function tableOfContents (sections: DocumentSection[]): Html {
  return html`<ol>${sections.map((s) => html`<li><a href="#${s.id}">${s.title}</a>${
    s.subsections && s.subsections.length > 0 ? tableOfContents(s.subsections) : ''}</li>`)}</ol>`
}

function sectionView (t: InformationMessages, section: DocumentSection): Html {
  return html`<section class="document-section">
<h2 id="${section.id}">${section.title}</h2>
${section.body}
${(section.subsections ?? []).map((sub) => html`<h3 id="${sub.id}">${sub.title}</h3>
${sub.body}`)}
<p class="back-to-contents"><a href="#sommaire">${t.backToContents}</a></p>
</section>`
}
