// The web console when the emulator verifies signatures (--credentials): the page asks for an access
// key, signs every request with it in the browser (WebCrypto; a presigned URL for the event stream),
// and acts in the key's account only. Debian's Chromium through playwright-core, as console.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodePipelineClient, CreatePipelineCommand } from '@aws-sdk/client-codepipeline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../harness.js';
import { commitFiles, git } from '../gitKit.js';
import { sourceAction, sourceThenApproval } from '../sourceKit.js';
import { CREDENTIALS, KEY, OTHER } from '../sigv4Kit.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-signed-console-'));
const dataDir = path.join(tmp, 'data');
const t = useEmulator({ dataDir, inMemory: false, logLevel: 'warn', credentials: CREDENTIALS });
let browser: Browser;
let page: Page;

const signedClient = (creds: { accessKeyId: string; secretAccessKey: string }) =>
  new CodePipelineClient({ endpoint: t.emu.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });

describe.skipIf(!hasChromium)(hasChromium ? 'web console with signatures verified, in Chromium' : `web console with signatures verified (skipped: ${CHROMIUM} is missing)`, () => {
  beforeAll(async () => {
    const repo = path.join(dataDir, 'git', 'app');
    fs.mkdirSync(repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    commitFiles(repo, { 'README.md': 'app\n' }, 'First version');
    const source = sourceAction('CodeCommit', { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' });
    await signedClient(KEY).send(new CreatePipelineCommand({ pipeline: sourceThenApproval('team-app', source, 'team-artifacts') }));
    await signedClient(OTHER).send(new CreatePipelineCommand({ pipeline: sourceThenApproval('other-app', source, 'other-artifacts') }));
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage();
    page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('asks for an access key; a wrong secret gets AWS\'s error and the form again', async () => {
    await page.goto(`${t.emu.endpoint}/_console/`);
    await page.getByRole('textbox', { name: 'Access key ID' }).fill(KEY.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/^InvalidSignatureException: The request signature we calculated does not match/);
    expect(await page.evaluate(() => sessionStorage.getItem('cpl-key'))).toBe(null);
  });

  it("signed in, it lists only the key's account's pipelines and follows one live; Review -> Approve works", async () => {
    await page.getByRole('textbox', { name: 'Access key ID' }).fill(KEY.accessKeyId);
    await page.getByLabel('Secret access key').fill(KEY.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('combobox', { name: 'Account and region' }).inputValue()).toBe(`${KEY.accountId}/us-east-1`);
    const stream = page.waitForResponse((r) => new URL(r.url()).pathname === '/_events/stream');
    await page.getByRole('link', { name: 'team-app' }).click();
    const opened = await stream;
    expect(opened.status()).toBe(200);
    expect(new URL(opened.url()).searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${KEY.accessKeyId}/\\d{8}/us-east-1/codepipeline/aws4_request$`));
    const approve = page.getByRole('region', { name: 'Approve', exact: true });
    // Waiting at the approval: arrived through the presigned event stream or the first read.
    await approve.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('dialog', { name: 'Review' }).getByRole('radio', { name: 'Approve' }).check();
    await page.getByRole('dialog', { name: 'Review' }).getByRole('button', { name: 'Submit' }).click();
    await approve.locator('.stage-head .status', { hasText: /^Succeeded$/ }).waitFor();
    await page.locator('p.meta .status', { hasText: /^Succeeded$/ }).waitFor();
    // The Source action's details and log are read with signed requests too.
    await page.getByRole('group', { name: 'Source', exact: true }).getByRole('button', { name: 'Details' }).click();
    await page.getByRole('region', { name: 'Details of Source' }).getByRole('table', { name: 'Output variables' }).waitFor();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Pipelines' }).click();
    await page.getByRole('table', { name: 'Pipelines' }).getByRole('link', { name: 'team-app' }).waitFor();
    expect(await page.getByRole('table', { name: 'Pipelines' }).locator('tbody td:first-child').allInnerTexts()).toEqual(['team-app']);
    expect(await page.getByRole('combobox', { name: 'Account and region' }).locator('option').allInnerTexts()).toEqual([`${KEY.accountId} / us-east-1 (1 pipeline)`]);
  });

  it('a new pipeline starts live: the stream is presigned, and each stage appears without a reload', async () => {
    const source = sourceAction('CodeCommit', { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Create pipeline' }).click();
    await page.getByRole('textbox', { name: 'Pipeline JSON' }).fill(JSON.stringify({ pipeline: sourceThenApproval('team-live', source, 'team-artifacts') }));
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.getByRole('region', { name: 'Approve', exact: true }).getByRole('button', { name: 'Review' }).waitFor();
  });

  it('Sign out forgets the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('cpl-key'))).toBe(null);
  });
});
