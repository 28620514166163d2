import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from 'switchyard/llamaindex';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempDir } from '../../helpers/llamaindex.js';

type Out = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real files written by python-docx and fpdf2 (scripts/make-document-fixtures.py).
const FIXTURES = resolve(import.meta.dirname, '../../fixtures/documents');

describe('llamaindex documents: Word files, PDF pages and paragraphs, typed CSV values', () => {
  let base: string;
  const adapter = createAdapter({ embeddings: false, llm: false });
  const run = (task: object) => adapter.execute(adapter.taskSchema.parse(task), createTestContext({ baseDir: base, home: join(base, '.switchyard') })) as Promise<Out>;

  beforeAll(async () => {
    base = await tempDir();
    await mkdir(join(base, 'docs'));
    await copyFile(join(FIXTURES, 'contract.pdf'), join(base, 'docs/contract.pdf'));
    await copyFile(join(FIXTURES, 'handbook.docx'), join(base, 'docs/handbook.docx'));
    await writeFile(join(base, 'docs/stock.csv'), 'sku,item,qty,price,active,code,note\nA-1,bolt,3,0.25,true,007,\nB-2,nut,12,3.50,FALSE,10,spare\n');
  });

  it('reads .docx with mammoth: headings, paragraphs, list items and table rows are searchable', async () => {
    const out = await run({ type: 'document_analysis', docs: ['docs/handbook.docx'], questions: ['How quickly must a page be acknowledged?', 'How often is a laptop replaced?', 'Who is called for a customer-facing outage?'] });
    expect(out.documents).toEqual([{ source: 'docs/handbook.docx', chunks: 1 }]);
    const [ack, laptop, outage] = out.answers;
    expect(ack.passages[0].source).toBe('docs/handbook.docx');
    expect(ack.answer.text).toContain('A page must be acknowledged within fifteen minutes, day or night.');
    expect(laptop.answer.text).toMatch(/Laptop\s+four years/);
    expect(outage.answer.text).toContain('for a customer-facing outage: the incident commander at once');
    expect(out.problems).toEqual([]);
  });

  it('keeps PDF pages and paragraphs: chunks stay within a page, sources cite it, answers stay within the clause', async () => {
    const out = await run({ type: 'document_analysis', docs: ['docs/contract.pdf'], questions: ['When are invoices payable?', 'How much notice ends the agreement?', 'Which courts decide disputes?'] });
    expect(out.documents).toEqual([{ source: 'docs/contract.pdf', chunks: 3, pages: 3 }]);
    const [payment, notice, courts] = out.answers;
    expect(payment.passages[0]).toMatchObject({ source: 'docs/contract.pdf#page=2', document: 'docs/contract.pdf', page: 2 });
    expect(payment.passages[0].text).toContain('5. Invoicing and payment\n\nThe Provider invoices at the start of each month.');
    expect(payment.passages[0].text).not.toContain('Termination');
    expect(payment.answer.text).toContain('Invoices are payable within thirty days of receipt. [1]');
    expect(payment.answer.citations[0]).toMatchObject({ n: 1, source: 'docs/contract.pdf#page=2' });
    for (const unrelated of ['liability', 'Confidential', 'Governing', 'forecast']) expect(payment.answer.text).not.toContain(unrelated);
    expect(notice.passages[0].source).toBe('docs/contract.pdf#page=3');
    expect(notice.answer.text).toContain("ninety days' written notice");
    expect(courts.answer.text).toContain('The courts of Hamburg have exclusive jurisdiction over any dispute.');
    // every passage's offsets point into the document text, on its own page only
    const pages = new Set(out.answers.flatMap((a: Out) => a.passages.map((p: Out) => p.page)));
    expect([...pages].sort()).toEqual([1, 2, 3]);
  });

  it('summarises a PDF from its paragraphs, not from run-together lines', async () => {
    const out = await run({ type: 'document_analysis', docs: ['docs/contract.pdf'] });
    const { keyPoints, dates, entities } = out.summaries[0].summary;
    for (const point of keyPoints) expect(point).not.toMatch(/\d+\. [A-Z][a-z]+ [A-Z]/); // no clause heading glued to a sentence
    expect(dates).toEqual(expect.arrayContaining(['3 March 2025', '1 April 2025']));
    expect(entities.map((e: Out) => e.text)).toEqual(expect.arrayContaining(['Harbour Analytics GmbH', 'Northwind Logistics Ltd']));
  });

  it('loads CSV cells as typed values by default, and as strings with csvValues: "strings"', async () => {
    const typed = await run({ type: 'document_analysis', docs: ['docs/stock.csv'] });
    expect(typed.summaries[0].table).toEqual({
      columns: ['sku', 'item', 'qty', 'price', 'active', 'code', 'note'],
      rows: 2,
      records: [
        { sku: 'A-1', item: 'bolt', qty: 3, price: 0.25, active: true, code: '007', note: null },
        { sku: 'B-2', item: 'nut', qty: 12, price: '3.50', active: false, code: 10, note: 'spare' },
      ],
    });
    const strings = await run({ type: 'document_analysis', docs: ['docs/stock.csv'], csvValues: 'strings' });
    expect(strings.summaries[0].table.records[0]).toEqual({ sku: 'A-1', item: 'bolt', qty: '3', price: '0.25', active: 'true', code: '007', note: '' });
    // retrieval reads the cells as written either way
    const asked = await run({ type: 'document_analysis', docs: ['docs/stock.csv'], questions: ['price of the nut'] });
    expect(asked.answers[0].passages[0].text).toContain('sku: B-2; item: nut; qty: 12; price: 3.50; active: FALSE; code: 10; note: spare.');
  });
});
