/**
 * The rotation redeploy fires: the synthesized rule's event pattern, in every environment, against
 * AWS's documented sample events (fixtures/events, sources in its README), matched and not matched.
 * The matcher (event-pattern.ts) is checked first on the EventBridge guide's own pairs, and against moto's
 * TestEventPattern where Python's moto is installed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../environments';
import { matchesEventPattern } from '../support/event-pattern';
import { type EnvName, synthEnvironment } from '../support/helpers';
import { FIXTURES_DIR } from '../support/paths';

type Json = Record<string, any>;
const FIXTURES = path.join(FIXTURES_DIR, 'events');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
const SAMPLE: Json = fixture('secret-label-updated.json');
const GUIDE: { example: string; event: Json; pattern: Json; matches: boolean }[] = fixture('eventbridge-guide-examples.json');
const SECRET_REF = '${terraform_data.rds_master_user_secret.output.secret_arns.0}';

/** The sample with one field changed. */
const variant = (change: (e: Json) => void): Json => {
  const event = structuredClone(SAMPLE);
  change(event);
  return event;
};

/** The rule's pattern of an environment, its secret reference standing for the sample's secret. */
function rulePattern(name: EnvName): Json {
  const rule = synthEnvironment(name).resource('aws_cloudwatch_event_rule', 'rotation_password_rotated');
  expect(rule.event_pattern).toContain(SECRET_REF);
  return JSON.parse(String(rule.event_pattern).split(SECRET_REF).join(SAMPLE.resources[0]));
}

/** Events against the rule: whether each must match. */
const CASES: [string, Json, boolean][] = [
  ['the documented sample: AWSCURRENT moved to a new version of the secret', SAMPLE, true],
  ['another label moved (a custom staging label)', variant((e) => (e.detail.labelUpdated = 'MyLabel')), false],
  ['AWSCURRENT moved on another secret', variant((e) => (e.resources = ['arn:aws:secretsmanager:us-west-2:012345678901:secret:otherSecret-d4e5f6'])), false],
  ['the same secret named in detail only, without resources', variant((e) => (e.resources = [])), false],
  ['a CloudTrail-derived event of Secrets Manager', variant((e) => (e['detail-type'] = 'AWS API Call via CloudTrail')), false],
  ["another service's documented event (EventBridge guide, EC2)", GUIDE[0].event, false],
];

describe('the event-pattern matcher of the tests', () => {
  it.each(GUIDE.map((g) => [g.example, g] as const))("agrees with the EventBridge guide's own example: %s", (_, g) => {
    expect(matchesEventPattern(g.pattern, g.event)).toBe(g.matches);
  });

  it('refuses operators it does not implement instead of guessing', () => {
    expect(() => matchesEventPattern({ detail: { n: [{ numeric: ['>', 1] }] } }, SAMPLE)).toThrow('unsupported EventBridge matcher {"numeric":[">",1]}');
    expect(() => matchesEventPattern({ $or: [] } as Json, SAMPLE)).toThrow('unsupported pattern operator $or');
  });

  const moto = spawnSync('python3', ['-c', 'import moto.events.models'], { encoding: 'utf8' });
  const withMoto = moto.status === 0 ? it : it.skip;
  withMoto("gives moto's TestEventPattern implementation's answer on every case (runs where Python's moto is installed)", () => {
    const pairs = [
      ...GUIDE.map((g) => [g.pattern, g.event]),
      ...(Object.keys(ENVIRONMENTS) as EnvName[]).flatMap((name) => CASES.map(([, event]) => [rulePattern(name), event])),
    ];
    const script = 'import json,sys\nfrom moto.events.models import EventPattern\nprint(json.dumps([EventPattern.load(json.dumps(p)).matches_event(e) for p, e in json.load(sys.stdin)]))';
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(pairs), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(pairs.map(([p, e]) => matchesEventPattern(p, e)));
  });
});

describe.each(Object.keys(ENVIRONMENTS) as EnvName[])('the rotation redeploy rule in %s', (name) => {
  const pattern = rulePattern(name);

  it("matches Secrets Manager's native Secret Label Updated event when AWSCURRENT moves on the master secret", () => {
    expect(pattern).toEqual({
      source: ['aws.secretsmanager'],
      'detail-type': ['Secret Label Updated'],
      resources: [SAMPLE.resources[0]],
      detail: { labelUpdated: ['AWSCURRENT'] },
    });
  });

  it.each(CASES.map(([what, event, matched]) => [what, matched, event] as const))('%s: matched %s', (_, matched, event) => {
    expect(matchesEventPattern(pattern, event)).toBe(matched);
  });

  it('watches the secret the backend reads POSTGRES_PASSWORD from', () => {
    const stack = synthEnvironment(name);
    const backend = JSON.parse(stack.resource('aws_ecs_task_definition', 'ecs_backend').container_definitions)[0];
    expect(backend.secrets).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: `${SECRET_REF}:password::` });
  });

  it('would not have fired with the former CloudTrail RotationSucceeded pattern on the native event', () => {
    const former = {
      source: ['aws.secretsmanager'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['RotationSucceeded'], additionalEventData: { SecretId: [SAMPLE.resources[0]] } },
    };
    expect(matchesEventPattern(former, SAMPLE)).toBe(false);
  });
});
