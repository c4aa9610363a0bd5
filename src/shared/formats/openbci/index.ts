// OpenBCI GUI raw text.
export { parseOpenBciGui } from './openbci-gui';
