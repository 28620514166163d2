import type { ResourceRegistry, StageContext } from 'switchyard';
import { functionAgent } from 'switchyard/agno';

/** Seed 003's workers as function agents: deterministic TypeScript executors with input and output transformers. */
interface Specs {
  readonly site: string;
  readonly pages: readonly string[];
}

interface Code {
  readonly files: Readonly<Record<string, string>>;
}

export const productManager = functionAgent<{ site: string; requirements: string[] }, Specs>(
  'product-manager',
  ({ site, requirements }) => ({ site, pages: ['index', ...requirements.map((r) => r.toLowerCase().replace(/[^a-z0-9]+/g, '-'))] }),
  {
    role: 'turns requirements into specifications',
    inputTransformer: (input) => {
      const { site = 'site', requirements = [] } = (input ?? {}) as { site?: string; requirements?: string[] };
      return { site, requirements };
    },
  },
);

export const coder = functionAgent<Specs, Code>(
  'coder',
  (specs) => ({
    files: Object.fromEntries(specs.pages.map((page) => [`${page}.html`, `<!doctype html><title>${specs.site}: ${page}</title><h1>${page}</h1>`])),
  }),
  { role: 'implements the specifications', outputTransformer: (code) => ({ ...code, fileCount: Object.keys(code.files).length }) },
);

export const linter = functionAgent<Code, { warnings: string[] }>('linter', (code) => ({
  warnings: Object.entries(code.files)
    .filter(([, html]) => !html.includes('lang='))
    .map(([file]) => `${file}: <html> has no lang attribute`),
}));

/** A plain handler; the pipeline file declares a `reviewer` agent that runs it. */
export function review(input: unknown, context: StageContext): { approved: boolean; checked: number; goal: string } {
  const { files } = input as Code;
  const checked = Object.keys(files).length;
  return { approved: checked > 0 && Object.values(files).every((html) => html.startsWith('<!doctype html>')), checked, goal: context.goal };
}

export default function register(registry: ResourceRegistry): void {
  registry.set('agent', productManager.name, productManager);
  registry.set('agent', coder.name, coder);
  registry.set('agent', linter.name, linter);
  registry.set('handler', 'review', review);
}
