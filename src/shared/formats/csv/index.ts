// HeartMind CSV export and its reader.
export { writeCsv, csvFileSteps, parseHeartMindCsv, csvExportBase, csvExportFiles, importHeartMindCsvExport, type CsvFile, type CsvFileSteps, type CsvWriteOptions } from './heartmind-csv';
