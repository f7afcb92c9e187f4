/**
 * Real-browser checks with Chromium through playwright-core: each committed SVG of
 * docs/architecture/ renders at its size, is not blank and carries its key labels; the Mermaid
 * texts (architecture and change diagram) are accepted by the mermaid package's parser (and the
 * change diagram renders). The browser is the one `npm ci` installs (the @sparticuz/chromium
 * devDependency), or CHROMIUM_PATH, or a system Chromium: see __tests__/support/chromium.ts. No
 * browser is downloaded and none needs installing.
 *
 * What Chromium showed is reused while everything it looked at is unchanged (a content hash of the
 * SVGs, the Mermaid texts, this file, package-lock.json for mermaid's, playwright's and the
 * browser package's versions, and which browser it was), like the plans: a changed diagram is
 * rendered again, and a fresh clone always renders. OMC_RESULT_CACHE=0 always renders.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildArchitecture } from '../../../tooling/diagram/architecture';
import { changeMermaid } from '../../../tooling/diagram/changes';
import { DOCS_DIAGRAM_DIR } from '../../../tooling/diagram/docs';
import { toMermaid } from '../../../tooling/diagram/mermaid';
import { PROJECT_ROOT } from '../../../lib/project-root';
import { cachedResult, cacheKey } from '../../../tooling/terraform/result-cache';
import { summarizePlan } from '../../../scripts/plan-summary';
import { synthesizedStacks } from '../../support/helpers';
import { chromiumForTests } from '../../support/chromium';
import { samplePlan } from '../../support/sample-plan';

/** Run in the page, where the DOM exists (the tests' own types have no DOM library). */
declare const document: any, window: any, Image: any;

// One process (--single-process, --no-zygote) instead of a browser, zygotes, a renderer and utility
// processes: the same Blink renders, at about half the memory (npm test's peak: 1148 MB -> 527 MB).
const FLAGS = ['--no-sandbox', '--single-process', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

jest.setTimeout(120_000);

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('the screenshot is not a PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** Share of pixels that are not near-white, and how many distinct colours (coarsely), decoded by the browser. */
async function ink(page: Page, png: Buffer): Promise<{ inked: number; colours: number }> {
  await page.goto('about:blank');
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [image.width, image.height];
    const context2d = canvas.getContext('2d')!;
    context2d.drawImage(image, 0, 0);
    const data = context2d.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) inked++;
      colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
    }
    return { inked: inked / (data.length / 4), colours: colours.size };
  }, png.toString('base64'));
}

const KEY_LABELS: Record<string, string[]> = {
  production: ['internet', 'listener HTTPS :443', 'listener HTTP :80', ':8000', ':80', ':5432', ':6379', 'service backend', 'service frontend', 'RDS postgres', 'ElastiCache redis', 'NAT gateway', 'GitHub Actions (OIDC)', 'SNS topic alarms', '18 CloudWatch alarms'],
  staging: ['internet', 'listener HTTP :80', ':8000', ':80', ':5432', ':6379', 'service backend', 'RDS postgres', 'NAT gateway', 'GitHub Actions (OIDC)', '17 CloudWatch alarms'],
  // The pipeline roles' names leave only ohmycoins- as the prefix the labels omit.
  bootstrap: ['S3 bucket terraform-state', 'DynamoDB table terraform-locks', 'KMS key terraform-state', 'encrypts', 'GitHub Actions (OIDC)'],
};

/** What Chromium showed of one committed SVG. */
interface SvgSeen {
  readonly widthPt: number;
  readonly heightPt: number;
  /** The screenshot's size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly inked: number;
  readonly colours: number;
  /** The text of every `<text>` element in the DOM. */
  readonly labels: string[];
}

async function seeSvg(page: Page, file: string): Promise<SvgSeen> {
  const [widthPt, heightPt] = (/<svg width="(\d+)pt" height="(\d+)pt"/.exec(readFileSync(file, 'utf8')) ?? []).slice(1).map(Number);
  await page.goto(`file://${file}`);
  const svg = page.locator('svg').first();
  const labels = (await page.locator('svg text').allTextContents()).map((t) => t.trim());
  const png = await svg.screenshot();
  const [width, height] = pngSize(png);
  return { widthPt, heightPt, width, height, ...(await ink(page, png)), labels };
}

/** Parses each text with the mermaid package in the page; renders the one at `render`. */
async function parseMermaid(page: Page, texts: string[], render: number): Promise<{ error: string | null; nodes: number }[]> {
  await page.goto('about:blank');
  await page.addScriptTag({ path: path.join(PROJECT_ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js') });
  return page.evaluate(
    async ([all, rendered]) => {
      const mermaid = (window as any).mermaid;
      mermaid.initialize({ startOnLoad: false });
      const out: { error: string | null; nodes: number }[] = [];
      for (const [i, text] of all.entries()) {
        try {
          await mermaid.parse(text);
          // Rendering (layout) takes seconds for the architecture diagrams: the change diagram only.
          const svg: string = i === rendered ? (await mermaid.render(`diagram${i}`, text)).svg : '';
          out.push({ error: null, nodes: (svg.match(/class="node /g) ?? []).length });
        } catch (e) {
          out.push({ error: String((e as Error).message ?? e).split('\n')[0], nodes: 0 });
        }
      }
      return out;
    },
    [texts, render] as const,
  );
}

const BROKEN_MERMAID = 'flowchart TB\n  a["broken" --> ';

interface Seen {
  readonly svgs: Record<string, SvgSeen>;
  readonly mermaid: { error: string | null; nodes: number }[];
}

let seen: Seen;
let texts: string[];

beforeAll(async () => {
  const browser = await chromiumForTests();
  const stacks = synthesizedStacks();
  texts = [
    ...['staging', 'production'].map((s) => toMermaid(buildArchitecture(s, stacks.get(s)!))),
    changeMermaid(summarizePlan('production', samplePlan).graph!).text,
  ];
  const svgFiles = Object.fromEntries(Object.keys(KEY_LABELS).map((stack) => [stack, path.join(DOCS_DIAGRAM_DIR, `${stack}.svg`)]));
  const key = cacheKey(
    'browser-checks',
    readFileSync(__filename, 'utf8'),
    Object.values(svgFiles).map((file) => readFileSync(file, 'utf8')),
    texts,
    readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8'),
    browser.identity,
  );
  seen = await cachedResult(key, async () => {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'diagram-chromium-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: browser.executablePath, env: { ...process.env, ...browser.env }, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const svgs: Record<string, SvgSeen> = {};
      for (const [stack, file] of Object.entries(svgFiles)) svgs[stack] = await seeSvg(page, file);
      return { svgs, mermaid: await parseMermaid(page, [...texts, BROKEN_MERMAID], texts.length - 1) };
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe.each(Object.keys(KEY_LABELS))('docs/architecture/%s.svg in Chromium', (stack) => {
  it('renders at its size, not blank, with its key labels', () => {
    const { widthPt, heightPt, width, height, inked, colours, labels } = seen.svgs[stack];
    expect(widthPt).toBeGreaterThan(100);
    expect(Math.abs(width - (widthPt * 4) / 3)).toBeLessThanOrEqual(1);
    expect(Math.abs(height - (heightPt * 4) / 3)).toBeLessThanOrEqual(1);
    expect(inked).toBeGreaterThan(0.03);
    expect(colours).toBeGreaterThan(8);
    expect(labels).toEqual(expect.arrayContaining(KEY_LABELS[stack]));
    if (stack === 'production') expect(labels.filter((l) => l === 'NAT gateway')).toHaveLength(3);
  });
});

describe('Mermaid in Chromium, with the mermaid package', () => {
  it('parses the architecture and change diagrams, renders the change diagram, and rejects a broken text', () => {
    const results = seen.mermaid;
    expect(results.slice(0, 3).map((r) => r.error)).toEqual([null, null, null]);
    const changeNodes = texts[2].split('\n').filter((l) => /^\s+r\d+\[/.test(l)).length;
    expect([changeNodes, results[2].nodes]).toEqual([summarizePlan('production', samplePlan).graph!.nodes.length, changeNodes]);
    expect(results[3].error).toMatch(/Parse error|Lexical error|Expecting/);
  });
});
