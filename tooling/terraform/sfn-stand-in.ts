/**
 * A local stand-in for the one Step Functions call the aws provider makes during `plan`.
 *
 * Once every reference in a state machine's definition is known (as in a plan against an
 * existing state), the provider validates the definition by calling
 * `ValidateStateMachineDefinition`, which fails without AWS. The offline machinery points the
 * provider's `sfn` endpoint at this server instead: it answers that call (OK for a definition
 * that is a JSON object with `StartAt` and `States`, FAIL with a diagnostic otherwise) and
 * refuses every other operation, so nothing else can silently "succeed" offline.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const VALIDATE = 'AWSStepFunctions.ValidateStateMachineDefinition';

export interface SfnStandIn {
  /** `http://127.0.0.1:<port>`, for the provider's `endpoints { sfn = ... }`. */
  readonly url: string;
  /** Definitions validated so far (one per state machine per plan). */
  readonly validated: string[];
  close(): Promise<void>;
}

/** The stand-in's verdict on a definition, in the shape of the real API's answer. */
export function validateDefinition(definition: unknown): { result: 'OK' | 'FAIL'; diagnostics: { severity: string; code: string; message: string }[] } {
  let parsed: unknown;
  try {
    parsed = typeof definition === 'string' ? JSON.parse(definition) : undefined;
  } catch {
    parsed = undefined;
  }
  const ok = typeof parsed === 'object' && parsed !== null && typeof (parsed as { StartAt?: unknown }).StartAt === 'string' && typeof (parsed as { States?: unknown }).States === 'object';
  return ok
    ? { result: 'OK', diagnostics: [] }
    : { result: 'FAIL', diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'The definition is not a JSON object with StartAt and States (offline stand-in check)' }] };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse, validated: string[]): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const target = req.headers['x-amz-target'];
    if (target !== VALIDATE) {
      reply(res, 400, { __type: 'UnknownOperationException', message: `the offline Step Functions stand-in only answers ${VALIDATE}, not ${String(target)}` });
      return;
    }
    let body: { definition?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { definition?: unknown };
    } catch {
      reply(res, 400, { __type: 'ValidationException', message: 'request body is not JSON' });
      return;
    }
    validated.push(String(body.definition));
    reply(res, 200, validateDefinition(body.definition));
  });
}

/** Starts the stand-in on a free local port. */
export function startSfnStandIn(): Promise<SfnStandIn> {
  const validated: string[] = [];
  const server = createServer((req, res) => handle(req, res, validated));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        validated,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Runs `body` with a stand-in running, and always stops it afterwards. */
export async function withSfnStandIn<T>(body: (standIn: SfnStandIn) => Promise<T>): Promise<T> {
  const standIn = await startSfnStandIn();
  try {
    return await body(standIn);
  } finally {
    await standIn.close();
  }
}
