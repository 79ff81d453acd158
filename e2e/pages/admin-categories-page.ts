import type { Page } from '@playwright/test';

/** The admin console's categories: the list, and the form that creates or edits one. */
export class AdminCategoriesPage {
  constructor(readonly page: Page) {}

  open(workspaceSlug: string) {
    return this.page.goto(`/admin/${workspaceSlug}/categories`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** The cards of the categories in use, in order. */
  inUse() {
    return this.page
      .getByRole('list', { name: 'Categories in use, in order' })
      .getByRole('listitem');
  }

  archived() {
    return this.page.getByRole('list', { name: 'Archived categories' }).getByRole('listitem');
  }

  card(name: string) {
    return this.page
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }

  newCategoryLink() {
    return this.page.getByRole('link', { name: 'New category' });
  }

  slugField() {
    return this.page.getByLabel('Slug');
  }

  /** The name field of one language's fieldset ("English", "Español", ...). */
  nameField(language: string) {
    return this.page.getByRole('group', { name: new RegExp(`^${language}`) }).getByLabel('Name');
  }

  descriptionField(language: string) {
    return this.page
      .getByRole('group', { name: new RegExp(`^${language}`) })
      .getByLabel('Description');
  }

  kind(label: 'Marketing' | 'Transactional') {
    return this.page.getByRole('group', { name: 'Kind' }).getByLabel(label);
  }

  channel(label: string) {
    return this.page.getByRole('group', { name: 'Channels offered' }).getByLabel(label);
  }

  frequency(label: string) {
    return this.page
      .getByRole('group', { name: 'Frequencies subscribers may choose' })
      .getByLabel(label);
  }

  defaultFrequency() {
    return this.page.getByLabel('Default frequency');
  }

  submit(label: 'Create category' | 'Save changes') {
    return this.page.getByRole('button', { name: label });
  }
}
