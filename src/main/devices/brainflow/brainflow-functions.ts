// The one table of BrainFlow native functions we call, each with its C prototype for koffi
// (as in BrainFlow's own Node binding, nodejs_package/brainflow/functions.types.ts; prototypes from
// board_controller.h and board_info_getter.h). Every function returns a BrainFlow exit code.
export const BRAINFLOW_FUNCTIONS = {
  prepare_session: 'int prepare_session(int board_id, const char *json_brainflow_input_params)',
  start_stream: 'int start_stream(int buffer_size, const char *streamer_params, int board_id, const char *json_brainflow_input_params)',
  stop_stream: 'int stop_stream(int board_id, const char *json_brainflow_input_params)',
  release_session: 'int release_session(int board_id, const char *json_brainflow_input_params)',
  is_prepared: 'int is_prepared(_Out_ int *prepared, int board_id, const char *json_brainflow_input_params)',
  get_board_data_count: 'int get_board_data_count(int preset, _Out_ int *result, int board_id, const char *json_brainflow_input_params)',
  get_board_data: 'int get_board_data(int data_count, int preset, _Out_ double *data_buf, int board_id, const char *json_brainflow_input_params)',
  config_board: 'int config_board(const char *config, _Out_ char *response, _Out_ int *response_len, int response_max_len, int board_id, const char *json_brainflow_input_params)',
  get_board_descr: 'int get_board_descr(int board_id, int preset, _Out_ char *board_descr, _Out_ int *len, int max_len)',
  get_sampling_rate: 'int get_sampling_rate(int board_id, int preset, _Out_ int *sampling_rate)',
  get_num_rows: 'int get_num_rows(int board_id, int preset, _Out_ int *num_rows)',
  get_version_board_controller: 'int get_version_board_controller(_Out_ char *version, _Out_ int *num_chars, int max_chars)',
  set_log_level_board_controller: 'int set_log_level_board_controller(int log_level)',
  set_log_file_board_controller: 'int set_log_file_board_controller(const char *log_file)',
} as const;

export type BrainFlowFunctionName = keyof typeof BRAINFLOW_FUNCTIONS;
