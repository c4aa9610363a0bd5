// HeartMind CSV export and its reader.
export { writeCsv, parseHeartMindCsv, type CsvFile, type CsvWriteOptions } from './heartmind-csv';
