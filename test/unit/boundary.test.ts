import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const ENGINE_SDK = /^(@langchain\/|llamaindex$|llamaindex\/|@llamaindex\/|openai$|openai\/|bree$|pg$|unpdf$|html-to-text$|csv-parse|undici$|mammoth$)/;
const LOADERS = join('src', 'builtin-adapters.ts');
/**
 * Store drivers the core may load lazily (an `import()` inside the function that opens the store) or name in types,
 * never import statically: pg is the PostgreSQL run store's driver, as better-sqlite3 is SQLite's.
 */
const STORE_DRIVERS: Record<string, RegExp> = { [join('src', 'store', 'postgres.ts')]: /^pg$/ };

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Specifier {
  readonly text: string;
  /** Imported for types only (erased at run time). */
  readonly typeOnly: boolean;
  /** Loaded with `import()` when the code runs, not when the module loads. */
  readonly dynamic?: boolean;
}

/** Every module a file names: imports, re-exports, `import()` calls and `import('x').T` type references. */
export function specifiers(file: string): Specifier[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Specifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) found.push({ text: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true });
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push({ text: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      // A computed specifier is a user's module (pipeline `modules:`), not part of the code base.
      if (arg && ts.isStringLiteral(arg)) found.push({ text: arg.text, typeOnly: false, dynamic: true });
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) found.push({ text: node.argument.literal.text, typeOnly: true });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the boundary between the core and the engines', () => {
  it('the core (src/) never loads an engine SDK, and names adapters/ only in the lazy loaders', () => {
    const offences: string[] = [];
    for (const file of tsFiles(join(root, 'src'))) {
      const name = relative(root, file);
      for (const { text, typeOnly, dynamic } of specifiers(file)) {
        const lazyDriver = dynamic === true && STORE_DRIVERS[name]?.test(text) === true;
        if (ENGINE_SDK.test(text) && !typeOnly && !lazyDriver) offences.push(`${name} loads ${text}`);
        const target = text.startsWith('.') ? relative(root, resolve(dirname(file), text)) : text;
        if ((target.startsWith(`adapters${sep}`) || /^switchyard\/(agno|langgraph|llamaindex|prefect)$/.test(text)) && name !== LOADERS) offences.push(`${name} imports ${text}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('an adapter imports only the adapter kit, its own folder and packages (never the core by path, never another adapter)', () => {
    const offences: string[] = [];
    for (const engine of readdirSync(join(root, 'adapters'))) {
      const folder = join(root, 'adapters', engine);
      for (const file of tsFiles(folder)) {
        const name = relative(root, file);
        for (const { text } of specifiers(file)) {
          if (text.startsWith('.')) {
            const target = resolve(dirname(file), text);
            if (!target.startsWith(folder + sep)) offences.push(`${name} imports ${text} (outside adapters/${engine}/)`);
          } else if (text === 'switchyard' || (text.startsWith('switchyard/') && text !== 'switchyard/adapter-kit' && text !== 'switchyard/adapter-kit/testing')) {
            offences.push(`${name} imports ${text} (only switchyard/adapter-kit is open to adapters)`);
          }
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('the boundary check sees a deep relative import and a core import of an adapter (it can fail)', () => {
    const probe = join(root, 'adapters', 'agno', 'adapter.ts');
    const texts = specifiers(probe).map((s) => s.text);
    expect(texts).toContain('switchyard/adapter-kit');
    const loaders = specifiers(join(root, LOADERS)).map((s) => s.text);
    expect(loaders.some((t) => t.includes('adapters/'))).toBe(true);
    // the PostgreSQL store's exemption is seen for what it is: pg loaded lazily, and otherwise named in types only
    const pgUses = specifiers(join(root, 'src', 'store', 'postgres.ts')).filter((s) => s.text === 'pg');
    expect(pgUses.some((s) => s.dynamic === true)).toBe(true);
    expect(pgUses.every((s) => s.dynamic === true || s.typeOnly)).toBe(true);
  });
});
