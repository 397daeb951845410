import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceProcess, startServiceProcess, waitForExit } from '../support/service-process.js';

/**
 * What the build arranges for a quicker start (scripts/build.mjs, scripts/build-snapshots.ts) still works in the built
 * service: the knowledge base and its index from snapshots, the password lists and `yaml` loaded on first use.
 */
let service: ServiceProcess;

beforeAll(async () => {
  service = await startServiceProcess({
    DATA_DIR: await mkdtemp(join(tmpdir(), 'bundle-')),
    DOCS: 'true',
    ADMIN_USERNAME: 'admin',
    // "password" is in zxcvbn's common-password list: only with the list loaded is this weak.
    ADMIN_PASSWORD: 'password1234',
  });
});
afterAll(async () => {
  service.child.kill('SIGTERM');
  await waitForExit(service.child);
});

describe('the built service', () => {
  it('answers a question from the knowledge base', async () => {
    const response = await fetch(`${service.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'sinh viên hộ nghèo vay vốn học tập được bao nhiêu' }),
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toMatch(/triệu đồng/);
  });

  it('checks passwords against the common-password list', () => {
    expect(service.stdout()).toMatch(/ADMIN_PASSWORD is too easy to guess/);
  });

  it('serves the OpenAPI document as JSON and as YAML', async () => {
    const json = (await (await fetch(`${service.url}/docs/json`)).json()) as { info: { title: string } };
    expect(json.info.title).toBe('Trợ lý giảm nghèo API');
    const yaml = await fetch(`${service.url}/docs/yaml`);
    expect(yaml.status).toBe(200);
    expect(await yaml.text()).toMatch(/^openapi: 3\.0\.3\ninfo:\n {2}title: Trợ lý giảm nghèo API/);
  });
});
