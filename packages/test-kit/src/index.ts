export { browserUnavailable, runInBrowser, CHROMIUM_PATH, type BrowserRun } from './browser.js';
