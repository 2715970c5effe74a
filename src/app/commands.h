/*
 * commands.h - the subcommands of the haven binary.
 *
 * Each takes the arguments after the command name (argv[0] is the command
 * name), parses them with getopt_long, prints its own --help, and returns the
 * process exit status: 0 done, 1 failed, 2 bad usage.
 */
#ifndef HAVEN_COMMANDS_H
#define HAVEN_COMMANDS_H

int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_person(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_duplicates(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_retention(int argc, char **argv);

#endif
