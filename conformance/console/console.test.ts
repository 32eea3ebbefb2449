// The web console in a real browser: Debian's Chromium driven by playwright-core, against an emulator
// started here. Every scenario goes through the page only (the API is used to set up what a user
// would have before opening the console: a bucket, a repository, a pipeline in another account), and
// is checked in the page. Controls are found by role and accessible name. Skipped only when
// /usr/bin/chromium is missing (CI installs it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreatePipelineCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { approvalToken } from '../engineKit.js';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, useEmulator } from '../harness.js';
import { commitFiles, git } from '../gitKit.js';
import { sourceThenApproval, sourceAction } from '../sourceKit.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
/** Text a page must show as text, never run: in an approval's comment and a build log (pipeline names cannot hold it). */
const XSS = '<img src=x onerror=alert(1)>';
const WAIT = 20_000;
/** The README's pictures: written when missing, or all again with CONSOLE_SCREENSHOTS=1 (so a test run leaves the tree clean). */
async function screenshot(name: string) {
  const file = path.join(IMAGES, name);
  if (process.env.CONSOLE_SCREENSHOTS === '1' || !fs.existsSync(file)) await page.screenshot({ path: file, fullPage: true });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpl-console-'));
const dataDir = path.join(tmp, 'data');
const appRepo = path.join(dataDir, 'git', 'app');
const settingsRepo = path.join(tmp, 'settings');

const buildspec = `version: 0.2
phases:
  build:
    commands:
      - echo "greeting $GREETING"
      - |
        status="$(git -C ${settingsRepo} show HEAD:status)"
        if [ "$status" = hold ]; then
          echo "waiting for the settings ($status)"
          for i in $(seq 300); do sleep 0.1; status="$(git -C ${settingsRepo} show HEAD:status)"; [ "$status" = hold ] || break; done
          echo "settings now: $status"
        fi
        if [ "$status" != ok ]; then echo "build broken: settings say $status"; exit 1; fi
      - mkdir -p out && echo "$GREETING" > out/index.html
artifacts:
  base-directory: out
  files: ['**/*']
`;

const declaration = {
  pipeline: {
    name: 'sample-app',
    roleArn: 'arn:aws:iam::000000000000:role/CodePipelineServiceRole',
    artifactStore: { type: 'S3', location: 'sample-app-artifacts' },
    pipelineType: 'V2',
    variables: [{ name: 'GREETING', defaultValue: 'hello', description: 'What the site says' }],
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Source',
            actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
            configuration: { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' },
            outputArtifacts: [{ name: 'SourceOutput' }],
            namespace: 'SourceVariables',
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Build',
            actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
            configuration: { ProjectName: 'app-build', EnvironmentVariables: '[{"name":"GREETING","value":"#{variables.GREETING}","type":"PLAINTEXT"}]' },
            inputArtifacts: [{ name: 'SourceOutput' }],
            outputArtifacts: [{ name: 'BuildOutput' }],
          },
        ],
      },
      {
        name: 'Approve',
        actions: [
          {
            name: 'Approval',
            actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
            configuration: { CustomData: 'Ship "#{SourceVariables.CommitMessage}"?', ExternalEntityLink: 'https://example.com/review' },
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Deploy',
            actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
            configuration: { BucketName: 'site', Extract: 'true' },
            inputArtifacts: [{ name: 'BuildOutput' }],
          },
        ],
      },
    ],
  },
};

const t = useEmulator({ dataDir, inMemory: false, logLevel: 'warn' });
let browser: Browser;
let page: Page;
const alerts: string[] = [];

describe.skipIf(!hasChromium)(hasChromium ? 'web console in Chromium' : `web console (skipped: ${CHROMIUM} is missing; apt-get install chromium)`, () => {
  beforeAll(async () => {
    fs.mkdirSync(appRepo, { recursive: true });
    git(appRepo, 'init', '-q', '-b', 'main');
    commitFiles(appRepo, { 'buildspec.yml': buildspec }, 'First version');
    fs.mkdirSync(settingsRepo);
    git(settingsRepo, 'init', '-q', '-b', 'main');
    commitFiles(settingsRepo, { status: 'ok' }, 'Settings');
    const s3 = new S3Client({ endpoint: t.emu.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: '000000000000', secretAccessKey: 'x' }, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'site' }));
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('dialog', (d) => {
      alerts.push(d.message());
      void d.dismiss();
    });
    page.setDefaultTimeout(WAIT);
  });
  // A failure shows what the page showed.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) console.error(`page at failure:\n${await page.locator('body').innerText().catch((e) => String(e))}`);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const stage = (name: string) => page.getByRole('region', { name, exact: true });
  const action = (name: string) => page.getByRole('group', { name, exact: true });
  /** Waits until the stage shows `status` (the page updates by itself: never reloaded). */
  const stageStatus = (name: string, status: string) => stage(name).locator('.stage-head .status', { hasText: new RegExp(`^${status}$`) }).waitFor();
  const latestStatus = (status: string) => page.locator('p.meta .status', { hasText: new RegExp(`^${status}$`) }).waitFor();
  const dialog = (name: string) => page.getByRole('dialog', { name });
  const text = (l: Locator) => l.innerText();

  it('a browser opening the root URL is sent to the console; the empty list says so', async () => {
    await page.goto(`${t.emu.endpoint}/`);
    expect(page.url()).toBe(`${t.emu.endpoint}/_console/`);
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    await page.getByText('No pipelines in this account and region yet.').waitFor();
    expect(await page.getByRole('combobox', { name: 'Account and region' }).inputValue()).toBe('000000000000/us-east-1');
  });

  it('creates a pipeline from pasted JSON, then shows it running live up to the waiting approval', async () => {
    await page.getByRole('link', { name: 'Create pipeline' }).first().click();
    await page.getByRole('textbox', { name: 'Pipeline JSON' }).fill(JSON.stringify(declaration, null, 2));
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.getByRole('heading', { name: 'sample-app', level: 1 }).waitFor();
    await stageStatus('Source', 'Succeeded');
    await stageStatus('Build', 'Succeeded');
    await stageStatus('Approve', 'InProgress');
    await action('Approval').getByRole('button', { name: 'Review' }).waitFor();
    expect(await text(stage('Deploy').locator('.stage-head .status'))).toBe("Didn't run");
    expect(await action('Build').locator('.provider').innerText()).toBe('CodeBuild');
    // Still the same document: everything above arrived without a reload.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  });

  it('Review -> Approve -> Submit: the deploy stage runs and the execution succeeds', async () => {
    await action('Approval').getByRole('button', { name: 'Review' }).click();
    const review = dialog('Review');
    await review.getByText('Ship "First version"?').waitFor();
    expect(await review.getByRole('link', { name: 'https://example.com/review' }).getAttribute('href')).toBe('https://example.com/review');
    await review.getByRole('radio', { name: 'Approve' }).check();
    await review.getByRole('textbox', { name: 'Comments' }).fill('Looks good');
    await review.getByRole('button', { name: 'Submit' }).click();
    await stageStatus('Approve', 'Succeeded');
    await stageStatus('Deploy', 'Succeeded');
    await latestStatus('Succeeded');
    expect(await text(action('Approval').locator('.summary'))).toBe('Looks good');
    await screenshot('console-pipeline.png');
  });

  it('Release change with a V2 variable and a source revision override; Reject -> the execution fails; its detail shows the variable, the revision, the timeline and artifacts', async () => {
    // On another branch: a commit on main would start an execution by itself (change detection).
    const other = commitFiles(appRepo, { 'README.md': 'other\n' }, 'Other version', 'other');
    await page.getByRole('button', { name: 'Release change' }).click();
    const release = dialog('Release change');
    await release.getByRole('textbox', { name: 'GREETING' }).fill('bonjour');
    expect(await release.getByRole('combobox', { name: 'Revision type for Source' }).inputValue()).toBe('COMMIT_ID');
    await release.getByRole('textbox', { name: 'Revision for Source' }).fill(other);
    await release.getByRole('button', { name: 'Release' }).click();
    await latestStatus('InProgress');
    await stageStatus('Approve', 'InProgress');
    await action('Approval').getByRole('button', { name: 'Review' }).click();
    await dialog('Review').getByRole('radio', { name: 'Reject' }).check();
    await dialog('Review').getByRole('textbox', { name: 'Comments' }).fill(`Not today ${XSS}`);
    await dialog('Review').getByRole('button', { name: 'Submit' }).click();
    await stageStatus('Approve', 'Failed');
    await latestStatus('Failed');
    expect(await text(action('Approval').locator('.summary'))).toBe(`Not today ${XSS}`);
    expect(await action('Approval').locator('img').count()).toBe(0);

    await page.locator('p.meta a').click();
    await page.getByRole('heading', { name: /^Execution / }).waitFor();
    const variables = page.getByRole('table', { name: 'Pipeline variables' });
    expect(await text(variables.getByRole('row'))).toBe('GREETING\tbonjour');
    // The override: that commit, not the branch head.
    expect(await page.getByRole('list', { name: 'Source revisions' }).innerText()).toBe(`SourceOutput: ${other} Other version`);
    const timeline = page.getByRole('figure', { name: 'Timeline' });
    // Each stage, then its actions.
    expect(await timeline.locator('li .label').allInnerTexts()).toEqual(['Source', 'Source', 'Build', 'Build', 'Approve', 'Approval']);
    expect(await timeline.locator('li .status').allInnerTexts()).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'Failed']);
    // Drawn to scale: the first bar starts at 0, each stage where its action starts, each after the one before it.
    const lefts = await timeline.locator('.bar').evaluateAll((bars) => bars.map((b) => parseFloat((b as HTMLElement).style.left)));
    expect(lefts[0]).toBe(0);
    expect([lefts[1], lefts[3], lefts[5]]).toEqual([lefts[0], lefts[2], lefts[4]]);
    expect(lefts[2]).toBeGreaterThanOrEqual(lefts[0]);
    expect(lefts[4]).toBeGreaterThanOrEqual(lefts[2]);
    // The last bar ends at the right edge (100%): the scale is the execution's own.
    const width = await timeline.locator('.bar').last().evaluate((b) => (b as HTMLElement).style.width);
    expect(width).toMatch(/^max\(2px, [\d.]+%\)$/);
    expect(lefts[5] + parseFloat(width.slice('max(2px, '.length))).toBeCloseTo(100, 1);
    await screenshot('console-timeline.png');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download BuildOutput' }).click()]);
    expect(download.suggestedFilename()).toBe('BuildOutput.zip');
    const zip = fs.readFileSync((await download.path())!);
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(zip.includes(Buffer.from('index.html'))).toBe(true);
  });

  it('a failed build: its log open in the page, then Retry failed actions after a fixing commit succeeds', async () => {
    commitFiles(settingsRepo, { status: `broken ${XSS}` }, 'Break the build');
    await page.getByRole('link', { name: 'sample-app' }).first().click();
    await page.getByRole('button', { name: 'Release change' }).click();
    await dialog('Release change').getByRole('button', { name: 'Release' }).click();
    await stageStatus('Build', 'Failed');
    await action('Build').getByRole('button', { name: 'Details' }).click();
    const log = page.getByRole('region', { name: 'Details of Build' }).locator('pre.log');
    await log.filter({ hasText: `build broken: settings say broken ${XSS}` }).waitFor();
    expect(await page.getByRole('region', { name: 'Details of Build' }).getByRole('table', { name: 'Configuration (resolved)' }).innerText()).toContain('ProjectName\tapp-build');
    commitFiles(settingsRepo, { status: 'ok' }, 'Fix the build');
    await stage('Build').getByRole('button', { name: 'Retry failed actions' }).click();
    await stageStatus('Build', 'Succeeded');
    await stageStatus('Approve', 'InProgress');
    // The retry ran the same execution's build again.
    await log.filter({ hasText: 'greeting hello' }).waitFor();
    expect(await text(log)).not.toContain('build broken: settings say broken');
  });

  it('Stop execution, stop and abandon: the waiting approval is abandoned and the execution stops', async () => {
    await page.getByRole('button', { name: 'Stop execution' }).click();
    const stop = dialog('Stop execution');
    await stop.getByRole('radio', { name: 'Stop and abandon' }).check();
    await stop.getByRole('textbox', { name: 'Reason' }).fill('Abandoned from the console');
    await stop.getByRole('button', { name: 'Stop', exact: true }).click();
    await latestStatus('Stopped');
    await stageStatus('Approve', 'Stopped');
    expect(await page.getByRole('button', { name: 'Stop execution' }).isDisabled()).toBe(true);
  });

  it("a running build's log tails live in the page", async () => {
    commitFiles(settingsRepo, { status: 'hold' }, 'Hold the build');
    await page.getByRole('button', { name: 'Release change' }).click();
    await dialog('Release change').getByRole('button', { name: 'Release' }).click();
    await stageStatus('Build', 'InProgress');
    const details = action('Build').getByRole('button', { name: 'Details' });
    if ((await details.getAttribute('aria-expanded')) !== 'true') await details.click();
    const log = page.getByRole('region', { name: 'Details of Build' }).locator('pre.log');
    await log.filter({ hasText: 'waiting for the settings (hold)' }).waitFor();
    expect(await text(log)).not.toContain('settings now: ok');
    commitFiles(settingsRepo, { status: 'ok' }, 'Release the build');
    await log.filter({ hasText: 'settings now: ok' }).waitFor();
    await stageStatus('Build', 'Succeeded');
    await stageStatus('Approve', 'InProgress');
  });

  it('Stop execution, stop and wait: the execution is Stopping until the approval is answered, then Stopped; Deploy does not run', async () => {
    await latestStatus('InProgress');
    await stageStatus('Approve', 'InProgress');
    await page.getByRole('button', { name: 'Stop execution' }).click();
    await dialog('Stop execution').getByRole('radio', { name: 'Stop and wait' }).check();
    await dialog('Stop execution').getByRole('button', { name: 'Stop', exact: true }).click();
    await latestStatus('Stopping');
    await action('Approval').getByRole('button', { name: 'Review' }).click();
    await dialog('Review').getByRole('radio', { name: 'Approve' }).check();
    await dialog('Review').getByRole('button', { name: 'Submit' }).click();
    await latestStatus('Stopped');
    await stageStatus('Approve', 'Succeeded');
    const deployExecution = await text(stage('Deploy').locator('.execution a'));
    const latest = await text(page.locator('p.meta a'));
    expect(deployExecution).not.toBe(latest);
  });

  it('disable a transition (reason shown), an execution is held at it, enable it: the execution goes on', async () => {
    await page.getByRole('group', { name: 'Transition to Deploy' }).getByRole('button', { name: 'Disable transition' }).click();
    await dialog('Disable transition').getByRole('textbox', { name: 'Reason' }).fill('Freeze (release window)');
    await dialog('Disable transition').getByRole('button', { name: 'Disable' }).click();
    const transition = page.getByRole('group', { name: 'Transition to Deploy' });
    await transition.getByText('Transition disabled: Freeze (release window)').waitFor();
    await page.getByRole('button', { name: 'Release change' }).click();
    await dialog('Release change').getByRole('button', { name: 'Release' }).click();
    await latestStatus('InProgress');
    await stageStatus('Approve', 'InProgress');
    await action('Approval').getByRole('button', { name: 'Review' }).click();
    await dialog('Review').getByRole('radio', { name: 'Approve' }).check();
    await dialog('Review').getByRole('button', { name: 'Submit' }).click();
    await stageStatus('Approve', 'Succeeded');
    const latest = await text(page.locator('p.meta a'));
    await transition.getByText(`Held: ${latest}`).waitFor();
    await transition.getByRole('button', { name: 'Enable transition' }).click();
    await latestStatus('Succeeded');
    expect(await text(stage('Deploy').locator('.execution a'))).toBe(latest);
  });

  it('Rollback re-runs Deploy with an earlier successful execution', async () => {
    const current = await text(stage('Deploy').locator('.execution a'));
    await stage('Deploy').getByRole('button', { name: 'Rollback' }).click();
    // The one earlier successful execution (the first): not the one Deploy holds now.
    const target = dialog('Rollback').getByRole('combobox', { name: 'Target execution' });
    await target.waitFor();
    const options = await target.locator('option').allInnerTexts();
    expect(options).toHaveLength(1);
    expect(options[0]).not.toContain(current);
    await dialog('Rollback').getByRole('button', { name: 'Start rollback' }).click();
    await page.getByRole('link', { name: 'Execution history' }).click();
    const rows = page.getByRole('table', { name: 'Executions' }).locator('tbody tr');
    await rows.first().filter({ hasText: '(rollback)' }).waitFor();
    await rows.first().filter({ hasText: 'Succeeded' }).waitFor();
    expect(await rows.count()).toBe(6);
    await screenshot('console-history.png');
  });

  it('edits the declaration: an invalid one shows AWS\'s message next to the text; the fixed one saves', async () => {
    await page.getByRole('link', { name: 'sample-app' }).click();
    await page.getByRole('link', { name: 'Edit declaration' }).click();
    const box = page.getByRole('textbox', { name: 'Declaration' });
    await page.getByRole('button', { name: 'Save' }).waitFor();
    const original = await box.inputValue();
    expect(JSON.parse(original).pipeline.stages.map((st: { name: string }) => st.name)).toEqual(['Source', 'Build', 'Approve', 'Deploy']);
    await box.fill(original.replace('"name": "Deploy"', '"name": "Approve"'));
    await page.getByRole('button', { name: 'Save' }).click();
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await text(error)).toMatch(/^InvalidStructureException: /);
    await box.fill(original.replace('"name": "Deploy"', '"name": "Release"'));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('the account and region selector shows only that scope\'s pipelines', async () => {
    const other = client(t.emu.endpoint, { region: 'eu-west-1', accessKeyId: '111111111111' });
    await other.send(new CreatePipelineCommand({ pipeline: sourceThenApproval('elsewhere', sourceAction('S3', { S3Bucket: 'in', S3ObjectKey: 'a.zip' }), 'elsewhere-artifacts') }));
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Pipelines' }).click();
    const names = () => page.getByRole('table', { name: 'Pipelines' }).locator('tbody td:first-child').allInnerTexts();
    await page.getByRole('table', { name: 'Pipelines' }).getByRole('link', { name: 'sample-app' }).waitFor();
    expect(await names()).toEqual(['sample-app']);
    await page.getByRole('combobox', { name: 'Account and region' }).selectOption('111111111111/eu-west-1');
    await page.getByRole('table', { name: 'Pipelines' }).getByRole('link', { name: 'elsewhere' }).waitFor();
    expect(await names()).toEqual(['elsewhere']);
    await page.getByRole('combobox', { name: 'Account and region' }).selectOption('000000000000/us-east-1');
    await page.getByRole('table', { name: 'Pipelines' }).getByRole('link', { name: 'sample-app' }).waitFor();
    expect(await names()).toEqual(['sample-app']);
  });

  it('Override on a waiting entry condition lets the stage run', async () => {
    // A deployment window that opens on the 15th of the month six months from now: it waits.
    const closedMonth = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][(new Date().getUTCMonth() + 6) % 12];
    const gated = {
      pipeline: {
        ...declaration.pipeline,
        name: 'gated',
        variables: undefined,
        stages: [
          declaration.pipeline.stages[0],
          {
            name: 'Deploy',
            beforeEntry: {
              conditions: [
                {
                  result: 'FAIL',
                  rules: [{ name: 'Window', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' }, configuration: { Cron: `* * * 15 ${closedMonth} ? *`, TimeZone: 'UTC' } }],
                },
              ],
            },
            actions: [{ ...declaration.pipeline.stages[3].actions[0], inputArtifacts: [{ name: 'SourceOutput' }] }],
          },
        ],
      },
    };
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Create pipeline' }).click();
    await page.getByRole('textbox', { name: 'Pipeline JSON' }).fill(JSON.stringify(gated));
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    const condition = stage('Deploy').getByRole('group', { name: 'Entry condition' });
    await condition.locator('.status', { hasText: /^InProgress$/ }).first().waitFor();
    expect(await text(condition.locator('li'))).toMatch(/^Window: InProgress /);
    await condition.getByRole('button', { name: 'Override' }).click();
    await condition.locator('.status', { hasText: /^Overridden$/ }).waitFor();
    await stageStatus('Deploy', 'Succeeded');
    await latestStatus('Succeeded');
  });

  it('a change made while the page opens its event stream still shows (the state is read again once the stream is open)', async () => {
    const cp = client(t.emu.endpoint, { accessKeyId: '000000000000' });
    const late = { ...declaration.pipeline, name: 'late-stream', variables: undefined, stages: [declaration.pipeline.stages[0], declaration.pipeline.stages[2]] };
    await cp.send(new CreatePipelineCommand({ pipeline: late as never }));
    const token = await approvalToken(cp, 'late-stream', 'Approve', 'Approval');
    // The stream's request waits until the approval is answered: the page's first read shows it waiting.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/_events/stream*', async (route) => {
      await gate;
      await route.continue().catch(() => {});
    });
    try {
      await page.goto(`${t.emu.endpoint}/_console/#/pipelines/late-stream`);
      await stageStatus('Approve', 'InProgress');
      await cp.send(new PutApprovalResultCommand({ pipelineName: 'late-stream', stageName: 'Approve', actionName: 'Approval', token, result: { status: 'Approved', summary: 'meanwhile' } }));
      release();
      await stageStatus('Approve', 'Succeeded');
      await latestStatus('Succeeded');
    } finally {
      release();
      await page.unroute('**/_events/stream*');
    }
  });

  it('the list pages 50 pipelines at a time and filters by name', async () => {
    const other = client(t.emu.endpoint, { region: 'us-west-2', accessKeyId: '222222222222' });
    for (let i = 0; i < 60; i++)
      await other.send(new CreatePipelineCommand({ pipeline: sourceThenApproval(`p-${String(i).padStart(2, '0')}`, sourceAction('S3', { S3Bucket: 'in', S3ObjectKey: 'a.zip' }), 'many-artifacts') }));
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Pipelines' }).click();
    await page.getByRole('combobox', { name: 'Account and region' }).selectOption('222222222222/us-west-2');
    const names = () => page.getByRole('table', { name: 'Pipelines' }).locator('tbody td:first-child').allInnerTexts();
    await page.getByText('Page 1 of 2 (60 pipelines)').waitFor();
    expect(await names()).toEqual(Array.from({ length: 50 }, (_, i) => `p-${String(i).padStart(2, '0')}`));
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 2 (60 pipelines)').waitFor();
    expect(await names()).toEqual(Array.from({ length: 10 }, (_, i) => `p-${50 + i}`));
    await page.getByRole('searchbox', { name: 'Filter by name' }).fill('p-1');
    await page.getByText('Page 1 of 1 (10 pipelines)').waitFor();
    expect(await names()).toEqual(Array.from({ length: 10 }, (_, i) => `p-1${i}`));
  });

  it("an unknown pipeline's page shows AWS's error, not a blank page", async () => {
    await page.goto(`${t.emu.endpoint}/_console/#/pipelines/no-such-pipeline`);
    await page.getByRole('alert').waitFor();
    expect(await text(page.getByRole('alert'))).toBe("PipelineNotFoundException: Account '222222222222' does not have a pipeline with name 'no-such-pipeline'");
  });

  it('a review link that is not http(s) (javascript:) is shown as text, never as a link', async () => {
    const links = {
      pipeline: {
        ...declaration.pipeline,
        name: 'links',
        variables: undefined,
        stages: [
          declaration.pipeline.stages[0],
          { name: 'Approve', actions: [{ ...declaration.pipeline.stages[2].actions[0], configuration: { CustomData: 'Check it', ExternalEntityLink: 'javascript:alert(document.domain)' } }] },
        ],
      },
    };
    await page.goto(`${t.emu.endpoint}/_console/#/create`);
    await page.getByRole('textbox', { name: 'Pipeline JSON' }).fill(JSON.stringify(links));
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await action('Approval').getByRole('button', { name: 'Review' }).click();
    const review = dialog('Review');
    await review.getByText('URL for review: javascript:alert(document.domain)').waitFor();
    expect(await review.getByRole('link').count()).toBe(0);
    await review.getByRole('button', { name: 'Cancel' }).click();
  });

  it('user text (approval comments, logs) was shown as text: no script ran', () => {
    expect(alerts).toEqual([]);
  });
});
