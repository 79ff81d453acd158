import type { Download, Page } from '@playwright/test';

/** The import and export page, and one import's page, as an editor sees them. */
export class AdminImportPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string) {
    return this.page.goto(`/admin/${workspaceSlug}/import`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  fileField() {
    return this.page.getByLabel('CSV file');
  }

  uploadButton() {
    return this.page.getByRole('button', { name: 'Upload and preview' });
  }

  sampleLink() {
    return this.page.getByRole('link', { name: 'Download a sample CSV' });
  }

  exportLink(name: string | RegExp) {
    return this.page.getByRole('link', { name });
  }

  /** One of the preview's numbers ("Will be applied", "Errors", ...). */
  stat(label: string) {
    return this.page
      .locator('dl[aria-label="What the import will do"] > div')
      .filter({ has: this.page.locator('dt', { hasText: label }) })
      .locator('dd')
      .first();
  }

  previewProblems() {
    return this.page
      .getByRole('list', { name: 'Rows that will not be applied' })
      .getByRole('listitem');
  }

  previewSample() {
    return this.page
      .getByRole('list', { name: 'The first rows as they will be applied' })
      .getByRole('listitem');
  }

  updatePreviewButton() {
    return this.page.getByRole('button', { name: 'Update preview' });
  }

  startButton() {
    return this.page.getByRole('button', { name: 'Start the import' });
  }

  /** "Importing", "Done", ... as the server last reported. */
  state() {
    return this.page.getByTestId('import-state');
  }

  progressBar() {
    return this.page.getByRole('progressbar');
  }

  errorReportLink() {
    return this.page.getByRole('link', { name: 'Download the error report' });
  }

  /** Clicks a link that downloads a file and answers the file's text. */
  async download(link: ReturnType<Page['getByRole']>): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), link.click()]);
    return { name: download.suggestedFilename(), text: await textOf(download) };
  }
}

async function textOf(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
