/**
 * A main-area tab showing a remote HDF5 file with `@h5web/app`, fed by the
 * server extension's h5grove endpoints: the file is read in place, never downloaded.
 */
import { App, H5GroveProvider } from '@h5web/app';
// h5web's styles with the theme's colours (a package of ours: kept by webpack,
// whereas @h5web/app declares no side effects and its CSS import would be dropped).
import '../../style/h5preview.css';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { jupyterFetcher } from './fetcher';
import { seedH5webDefaults } from './h5webDefaults';
import { baseName } from '../paths';

export class H5Preview extends ReactWidget {
  constructor(
    readonly path: string,
    private readonly _settings: ServerConnection.ISettings
  ) {
    super();
    this.addClass('jp-CtadataH5Preview');
    this.title.label = baseName(path);
    this.title.caption = `CTA storage: ${path}`;
    this.title.closable = true;
    seedH5webDefaults(window.localStorage);
  }

  /**
   * Closing the tab cancels the requests that are still running.
   */
  dispose(): void {
    this._closed.abort();
    super.dispose();
  }

  protected render(): React.ReactElement {
    const url = URLExt.join(this._settings.baseUrl, 'ctadata', 'h5grove');
    return (
      <H5GroveProvider url={url} filepath={this.path} fetcher={this._fetcher}>
        <App sidebarOpen disableDarkMode />
      </H5GroveProvider>
    );
  }

  private readonly _closed = new AbortController();
  private readonly _fetcher = jupyterFetcher(
    this._settings,
    this._closed.signal
  );
}
