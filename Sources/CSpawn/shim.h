#ifndef BESPOKE_CSPAWN_SHIM_H
#define BESPOKE_CSPAWN_SHIM_H
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

/* fork + exec for a child that must die with the thread that started it: posix_spawn cannot set
   PR_SET_PDEATHSIG, which is what keeps a stage from outliving a killed driver (SIGKILL gives the
   driver no chance to clean up). Between fork and exec the child calls only async-signal-safe
   functions. Returns the pid, or -1 with the child's (or fork's) errno in *error_out. The child's
   errno from chdir or execve comes back through a close-on-exec pipe (another thread spawning at
   the same instant may briefly inherit it; it closes at that child's exec).

   output_fd >= 0 becomes the child's stdout and stderr; new_process_group puts the child in a
   group of its own; die_with_parent sets PR_SET_PDEATHSIG(SIGKILL) (Linux: "parent" is the
   calling thread, so call it from a thread that waits for the child). */
static inline pid_t bespoke_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                                  int output_fd, int new_process_group, int die_with_parent, int *error_out) {
    int report[2];
    if (pipe(report) != 0) {
        *error_out = errno;
        return -1;
    }
    fcntl(report[0], F_SETFD, FD_CLOEXEC);
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    /* No handler of the parent may run in the child between fork and exec. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        int e = 0;
        if (new_process_group) setpgid(0, 0);
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            signal(sig, SIG_DFL);
        }
        if (output_fd >= 0 && (dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0)) e = errno;
        if (e == 0 && cwd != NULL && chdir(cwd) != 0) e = errno;
        if (e == 0 && die_with_parent) {
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) e = errno;
            /* The parent may have died before prctl: then nobody waits for us. */
            else if (getppid() != parent) _exit(127);
        }
        if (e == 0) {
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            execve(path, argv, envp);
            e = errno;
        }
        (void)!write(report[1], &e, sizeof e);
        _exit(127);
    }
    int forkError = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        *error_out = forkError;
        return -1;
    }
    int childError = 0;
    ssize_t n;
    do {
        n = read(report[0], &childError, sizeof childError);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof childError) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *error_out = childError;
        return -1;
    }
    *error_out = 0;
    return pid;
}
#endif
