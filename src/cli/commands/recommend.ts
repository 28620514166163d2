import type { DefineCommand } from '../output.js';

interface RecommendOptions {
  profiles?: string;
  json?: boolean;
}

export const defineRecommend: DefineCommand = (program) => {
  program
    .command('recommend')
    .description('recommend an orchestrator for a task described in plain words (offline, deterministic)')
    .argument('<description...>', 'what the task does, e.g. "analyze contracts and get legal sign-off"')
    .option('--profiles <dir>', 'also load the orchestrator profiles in DIR (custom orchestrators)')
    .option('--json', 'print one JSON object: { type, profile, confidence, reasons, alternatives, plan? }')
    .addHelpText(
      'after',
      `
The description is matched against the intents each profile declares (words and phrases,
stemmed). A description with several intents also gets a plan: one stage per engine, in order.

Examples:
  $ switchyard recommend "Need to analyze documents and get approval"
  $ switchyard recommend "copy new orders into the warehouse every night" --json`,
    )
    .action(async (words: string[], options: RecommendOptions) => {
      const { loadSelector, profileSummary } = await import('../../selector/load.js');
      const selector = await loadSelector(options.profiles);
      const result = selector.recommend(words.join(' '));
      const { printJson, printTable } = await import('../output.js');
      if (options.json) {
        printJson({ ...result, profile: profileSummary(result.profile) });
        return;
      }
      const write = (text: string) => process.stdout.write(text);
      write(`${result.type} (${result.profile.name}: ${result.profile.summary}), confidence ${result.confidence.toFixed(2)}\n`);
      if (result.score === 0) write('no intent matched; this is the default engine\n');
      write('\n');
      printTable(
        ['rank', 'orchestrator', 'score', 'confidence'],
        [{ type: result.type, score: result.score, confidence: result.confidence }, ...result.alternatives].map((r, i) => [i + 1, r.type, r.score, r.confidence.toFixed(2)]),
      );
      if (result.reasons.length > 0) {
        write('\n');
        printTable(['matched', 'orchestrator', 'intent', 'weight'], result.reasons.map((r) => [`"${r.match}"`, r.type, r.label, r.weight]));
      }
      if (result.plan) {
        write('\nsuggested plan:\n');
        printTable(['stage', 'orchestrator', 'intent', 'covers'], result.plan.map((s) => [s.order, s.type, s.label, s.text]));
      }
    });
};
