/**
 * The user settings, read from the settings registry: the defaults are those
 * of schema/plugin.json, which the registry applies.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  PartialJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { IStorageSettings, PLUGIN_ID } from './tokens';

export class StorageSettings implements IStorageSettings {
  private constructor(private _values: () => ReadonlyPartialJSONObject) {}

  /**
   * The settings of the plugin. When the user's settings do not validate,
   * the registry gives none: then the schema's defaults hold.
   */
  static async load(registry: ISettingRegistry): Promise<StorageSettings> {
    try {
      const loaded = await registry.load(PLUGIN_ID);
      const settings = new StorageSettings(() => loaded.composite);
      loaded.changed.connect(() => settings._changed.emit());
      return settings;
    } catch (reason) {
      console.warn('ctadata-lab: the settings are not valid', reason);
      const plugin = await registry.connector.fetch(PLUGIN_ID);
      const defaults: PartialJSONObject = {};
      for (const [key, spec] of Object.entries(
        plugin?.schema.properties ?? {}
      )) {
        defaults[key] = spec.default;
      }
      return new StorageSettings(() => defaults);
    }
  }

  /**
   * The user changed a setting.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get downloadFolder(): string {
    return this._get('downloadFolder');
  }

  get cacheFolder(): string {
    return this._get('cacheFolder');
  }

  get concurrency(): number {
    return this._get('concurrency');
  }

  get confirmOverwrite(): boolean {
    return this._get('confirmOverwrite');
  }

  private _get<K extends keyof IStorageSettings>(key: K): IStorageSettings[K] {
    return this._values()[key] as IStorageSettings[K];
  }

  private _changed = new Signal<this, void>(this);
}
