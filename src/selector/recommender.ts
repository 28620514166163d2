import type { OrchestratorProfile } from '../profiles/schema.js';
import { STOPWORDS, stemPhrase, tokenize, type Token } from './text.js';

/** Which words or phrases of the description matched which intent of which engine. */
export interface RecommendReason {
  readonly type: string;
  readonly intent: string;
  /** The intent's label, e.g. "analyze documents". */
  readonly label: string;
  /** The words of the description that matched, as written. */
  readonly match: string;
  readonly weight: number;
}

export interface RankedAlternative {
  readonly type: string;
  readonly score: number;
  readonly confidence: number;
}

/** One stage of a suggested plan for a description with several intents. */
export interface PlanStage {
  readonly order: number;
  readonly type: string;
  readonly intent: string;
  readonly label: string;
  /** The part of the description this stage covers. */
  readonly text: string;
}

export interface Recommendation {
  /** The recommended orchestrator type. */
  readonly type: string;
  readonly profile: OrchestratorProfile;
  /** 0..1: how clearly this engine won (0 when nothing matched and the default was used). */
  readonly confidence: number;
  readonly score: number;
  readonly reasons: readonly RecommendReason[];
  /** The other engines, best first. */
  readonly alternatives: readonly RankedAlternative[];
  /** For descriptions with several intents that need different engines: the stages in order. */
  readonly plan?: readonly PlanStage[];
}

interface Hit {
  readonly engine: number;
  readonly intent: number;
  readonly weight: number;
}

interface CompiledPhrase {
  readonly stems: readonly string[];
  readonly hits: Hit[];
  /** Index into the per-call "already counted" stamps. */
  readonly id: number;
}

interface CompiledTerm {
  readonly hits: Hit[];
  readonly id: number;
}

interface IntentRef {
  readonly id: string;
  readonly label: string;
}

/** Weight of a word learnt from an intent's example descriptions (only words distinctive to one engine). */
const EXAMPLE_WEIGHT = 0.5;
/** A clause needs at least this score to become a stage of a plan. */
const PLAN_MIN_SCORE = 1.5;

/**
 * The recommender compiled from a set of profiles: every term, phrase and example is stemmed once here,
 * so `recommend()` only tokenizes the description and does map look-ups.
 */
export class Recommender {
  readonly #profiles: readonly OrchestratorProfile[];
  readonly #defaultEngine: number;
  readonly #terms = new Map<string, CompiledTerm>();
  #ids = 0;
  #stamps = new Uint32Array(0);
  #call = 0;
  readonly #phrases = new Map<string, CompiledPhrase[]>();
  readonly #intents: IntentRef[][] = [];

  constructor(profiles: readonly OrchestratorProfile[], defaultType: string) {
    this.#profiles = profiles;
    this.#defaultEngine = Math.max(0, profiles.findIndex((p) => p.type === defaultType));
    const exampleStems = new Map<string, Map<number, number>>(); // stem -> engine -> intent
    profiles.forEach((profile, engine) => {
      this.#intents.push(profile.intents.map((intent) => ({ id: intent.id, label: intent.label })));
      profile.intents.forEach((intent, intentIndex) => {
        for (const [term, weight] of Object.entries(intent.terms ?? {})) {
          for (const stem of stemPhrase(term)) this.#addTerm(stem, { engine, intent: intentIndex, weight });
        }
        for (const [phrase, weight] of Object.entries(intent.phrases ?? {})) {
          const stems = stemPhrase(phrase);
          if (stems.length === 1) this.#addTerm(stems[0]!, { engine, intent: intentIndex, weight });
          else if (stems.length > 1) this.#addPhrase(stems, { engine, intent: intentIndex, weight });
        }
        for (const example of intent.examples ?? []) {
          for (const token of tokenize(example)) {
            if (STOPWORDS.has(token.stem) || token.stem.length < 3 || /^\d/.test(token.stem)) continue;
            let engines = exampleStems.get(token.stem);
            if (!engines) exampleStems.set(token.stem, (engines = new Map()));
            if (!engines.has(engine)) engines.set(engine, intentIndex);
          }
        }
      });
    });
    // Example words teach the recommender a little vocabulary, but only words that point at one engine.
    for (const [stem, engines] of exampleStems) {
      if (engines.size !== 1) continue;
      const [engine, intent] = [...engines][0]!;
      if (this.#terms.has(stem)) continue;
      this.#addTerm(stem, { engine, intent, weight: EXAMPLE_WEIGHT });
    }
    for (const list of this.#phrases.values()) list.sort((a, b) => b.stems.length - a.stems.length);
    this.#stamps = new Uint32Array(this.#ids * profiles.length);
  }

  #addTerm(stem: string, hit: Hit): void {
    const term = this.#terms.get(stem);
    if (!term) {
      this.#terms.set(stem, { hits: [hit], id: this.#ids++ });
      return;
    }
    const hits = term.hits;
    const same = hits.findIndex((h) => h.engine === hit.engine);
    if (same === -1) hits.push(hit);
    else if (hits[same]!.weight < hit.weight) hits[same] = hit;
  }

  #addPhrase(stems: string[], hit: Hit): void {
    const key = stems[0]!;
    const list = this.#phrases.get(key) ?? [];
    const existing = list.find((p) => p.stems.length === stems.length && p.stems.every((s, i) => s === stems[i]));
    if (existing) existing.hits.push(hit);
    else list.push({ stems, hits: [hit], id: this.#ids++ });
    this.#phrases.set(key, list);
  }

  recommend(description: string): Recommendation {
    const tokens = tokenize(description);
    const engines = this.#profiles.length;
    const scores = new Float64Array(engines);
    const clauseCount = tokens.length === 0 ? 0 : tokens[tokens.length - 1]!.clause + 1;
    const clauseScores = new Float64Array(clauseCount * engines);
    const clauseIntent = new Int32Array(clauseCount * engines).fill(-1);
    const clauseBest = new Float64Array(clauseCount * engines);
    const reasons: RecommendReason[] = [];
    // A word or phrase counts once per engine however often it is repeated: stamp it with this call's number.
    const stamps = this.#stamps;
    const call = (this.#call = (this.#call % 0xfffffffe) + 1);
    if (call === 1) stamps.fill(0);

    const credit = (hits: readonly Hit[], id: number, from: Token, to: Token) => {
      for (const hit of hits) {
        const stamp = id * engines + hit.engine;
        if (stamps[stamp] === call) continue;
        stamps[stamp] = call;
        scores[hit.engine]! += hit.weight;
        const slot = from.clause * engines + hit.engine;
        clauseScores[slot]! += hit.weight;
        if (hit.weight > clauseBest[slot]!) {
          clauseBest[slot] = hit.weight;
          clauseIntent[slot] = hit.intent;
        }
        const intent = this.#intents[hit.engine]![hit.intent]!;
        reasons.push({
          type: this.#profiles[hit.engine]!.type,
          intent: intent.id,
          label: intent.label,
          match: description.slice(from.start, to.end),
          weight: hit.weight,
        });
      }
    };

    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.negated) continue;
      const phrases = this.#phrases.get(token.stem);
      let consumed = 0;
      if (phrases) {
        for (const phrase of phrases) {
          const n = phrase.stems.length;
          if (i + n > tokens.length) continue;
          let ok = true;
          for (let k = 1; k < n; k++) {
            const next = tokens[i + k]!;
            if (next.stem !== phrase.stems[k] || next.clause !== token.clause || next.negated) {
              ok = false;
              break;
            }
          }
          if (!ok) continue;
          credit(phrase.hits, phrase.id, token, tokens[i + n - 1]!);
          consumed = n;
          break;
        }
      }
      if (consumed > 0) {
        i += consumed - 1;
        continue;
      }
      const term = this.#terms.get(token.stem);
      if (term) credit(term.hits, term.id, token, token);
    }

    const order = rankEngines(scores);
    const top = order[0] ?? this.#defaultEngine;
    const topScore = scores[top] ?? 0;
    const total = scores.reduce((sum, s) => sum + s, 0);
    const winner = topScore > 0 ? top : this.#defaultEngine;
    reasons.sort((a, b) => b.weight - a.weight);
    const plan = this.#plan(description, tokens, clauseCount, clauseScores, clauseIntent);
    return {
      type: this.#profiles[winner]!.type,
      profile: this.#profiles[winner]!,
      confidence: confidenceOf(topScore, total),
      score: round(topScore),
      reasons,
      alternatives: order
        .filter((engine) => engine !== winner)
        .map((engine) => ({ type: this.#profiles[engine]!.type, score: round(scores[engine]!), confidence: confidenceOf(scores[engine]!, total) })),
      ...(plan ? { plan } : {}),
    };
  }

  #plan(description: string, tokens: readonly Token[], clauses: number, clauseScores: Float64Array, clauseIntent: Int32Array): PlanStage[] | undefined {
    if (clauses < 2) return undefined;
    const engines = this.#profiles.length;
    interface Part { engine: number; intent: number; start: number; end: number; after: boolean }
    const parts: Part[] = [];
    let t = 0;
    for (let c = 0; c < clauses; c++) {
      let best = -1;
      let bestScore = PLAN_MIN_SCORE - 1e-9;
      for (let e = 0; e < engines; e++) {
        const s = clauseScores[c * engines + e]!;
        if (s > bestScore) {
          best = e;
          bestScore = s;
        }
      }
      const first = t;
      while (t < tokens.length && tokens[t]!.clause === c) t++;
      if (best === -1 || first === t) continue;
      parts.push({ engine: best, intent: clauseIntent[c * engines + best]!, start: tokens[first]!.start, end: tokens[t - 1]!.end, after: tokens[first]!.afterClause });
    }
    // "publish it after legal approves": the "after" clause happens first.
    for (let i = 1; i < parts.length; i++) {
      if (parts[i]!.after) [parts[i - 1], parts[i]] = [parts[i]!, parts[i - 1]!];
    }
    const merged: Part[] = [];
    for (const part of parts) {
      const last = merged[merged.length - 1];
      if (last && last.engine === part.engine) merged[merged.length - 1] = { ...last, start: Math.min(last.start, part.start), end: Math.max(last.end, part.end) };
      else merged.push(part);
    }
    if (merged.length < 2) return undefined;
    return merged.map((part, index) => {
      const intent = this.#intents[part.engine]![part.intent];
      return {
        order: index + 1,
        type: this.#profiles[part.engine]!.type,
        intent: intent?.id ?? '',
        label: intent?.label ?? '',
        text: description.slice(part.start, part.end),
      };
    });
  }
}

/** Engine indexes by score, best first; ties keep registration order. Engines with no score are ranked too. */
function rankEngines(scores: Float64Array): number[] {
  const order = Array.from(scores.keys());
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

/** Share of the evidence, damped when there is little evidence at all. */
function confidenceOf(score: number, total: number): number {
  if (score <= 0 || total <= 0) return 0;
  return round((score / total) * (1 - Math.exp(-score / 2)));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
