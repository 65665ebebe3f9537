// A stand-in for the parts of Electron that dist/electron/main.mjs uses: it records what main asks for and lets
// the driver play the user (load the page, call over IPC, close the window, quit).
import { EventEmitter } from "node:events";

export const record = { windows: [], ipc: new Map(), protocols: new Map(), partitionProtocols: new Map(), privileged: [], menu: null, quitCalls: 0, forks: [], paths: {}, switches: [] };

class FakeApp extends EventEmitter {
  name = "lora-studio";
  isPackaged = false;
  commandLine = { appendSwitch(name, value) { record.switches.push(value === undefined ? [name] : [name, value]); } };
  #ready = Promise.resolve();
  requestSingleInstanceLock() { return true; }
  setName(n) { this.name = n; }
  setPath(k, v) { record.paths[k] = v; }
  getPath(k) { return record.paths[k]; }
  getAppPath() { return process.cwd(); }
  getVersion() { return "0.0.0-test"; }
  whenReady() { return this.#ready; }
  quit() {
    record.quitCalls++;
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit("before-quit", event);
    if (!event.defaultPrevented) this.emit("quit-for-real");
  }
}
export const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  sent = [];
  openHandler = null;
  session = { permissionRequest: null, permissionCheck: null, setPermissionRequestHandler(h) { this.permissionRequest = h; }, setPermissionCheckHandler(h) { this.permissionCheck = h; } };
  posted = [];
  setWindowOpenHandler(h) { this.openHandler = h; }
  send(channel, payload) { this.sent.push({ channel, payload }); }
  postMessage(channel, message, ports) { this.posted.push({ channel, message, ports }); }
  getOSProcessId() { return 31337; }
}

export class BrowserWindow extends EventEmitter {
  static all = [];
  static getAllWindows() { return BrowserWindow.all.filter((w) => !w.destroyed); }
  webContents = new FakeWebContents();
  destroyed = false;
  loaded = null;
  constructor(options) {
    super();
    this.options = options;
    BrowserWindow.all.push(this);
    record.windows.push(this);
  }
  loadURL(url) { this.loaded = url; return Promise.resolve(); }
  show() {}
  maximize() {}
  focus() {}
  restore() {}
  isMinimized() { return false; }
  isMaximized() { return false; }
  isDestroyed() { return this.destroyed; }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit("closed");
  }
  getNormalBounds() { return { x: 40, y: 30, width: 1100, height: 700 }; }
}

export const ipcMain = {
  handle(channel, listener) { record.ipc.set(channel, listener); },
  removeHandler(channel) { record.ipc.delete(channel); },
};
export const protocol = {
  registerSchemesAsPrivileged(schemes) { record.privileged.push(...schemes); },
  handle(scheme, handler) { record.protocols.set(scheme, handler); },
};
// MessageChannelMain: two linked ports; a message posted on one is emitted on the other once it is started.
class FakePort extends EventEmitter {
  other = null;
  closed = false;
  started = false;
  queue = [];
  postMessage(data) { if (!this.closed && !this.other.closed) this.other.deliver(data); }
  deliver(data) { if (this.started) this.emit("message", { data, ports: [] }); else this.queue.push(data); }
  start() { this.started = true; for (const d of this.queue.splice(0)) this.emit("message", { data: d, ports: [] }); }
  close() { this.closed = true; }
}
export class MessageChannelMain {
  constructor() {
    this.port1 = new FakePort();
    this.port2 = new FakePort();
    this.port1.other = this.port2;
    this.port2.other = this.port1;
  }
}
export const session = {
  fromPartition(name) {
    if (!record.partitionProtocols.has(name)) record.partitionProtocols.set(name, new Map());
    return { protocol: { handle: (scheme, handler) => record.partitionProtocols.get(name).set(scheme, handler) } };
  },
};
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu: (m) => { record.menu = m; } };
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showMessageBox: async () => ({ response: 0 }) };
export const shell = { openPath: async () => "" };
export const utilityProcess = { fork: (...args) => { record.forks.push(args); throw new Error("no utility processes in the fake"); } };
export const contextBridge = {};
export const ipcRenderer = {};
