// HeartMind CSV export and its reader.
export { writeCsv, csvFileSteps, parseHeartMindCsv, type CsvFile, type CsvFileSteps, type CsvWriteOptions } from './heartmind-csv';
