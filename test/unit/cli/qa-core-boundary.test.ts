import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const ENGINE_SDK = /^(@langchain\/|llamaindex$|llamaindex\/|@llamaindex\/|openai$|openai\/|bree$|pg$|unpdf$|html-to-text$|csv-parse|undici$)/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file loads at run time: static imports and re-exports that are not type-only, and import() calls. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !node.importClause?.isTypeOnly) found.push(node.moduleSpecifier.text);
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) found.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      // A computed specifier is a user's module (pipeline `modules:`), not an SDK.
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the core src/ never loads an engine SDK or an adapter (static or dynamic import)', () => {
  it('only src/builtin-adapters.ts reaches adapters/, and nothing in src/ loads an engine SDK', () => {
    const offences: string[] = [];
    for (const file of tsFiles(join(root, 'src'))) {
      const name = relative(root, file);
      for (const specifier of runtimeImports(file)) {
        if (ENGINE_SDK.test(specifier)) offences.push(`${name} loads ${specifier}`);
        if (/(^|\/)adapters\//.test(specifier) && name !== join('src', 'builtin-adapters.ts')) offences.push(`${name} loads ${specifier}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
