// bench.c: the native baseline for `make bench-infer`.
//
// It drives llama.cpp directly, the way its own examples do, on the same
// shared libraries that package metal loads: load the model, evaluate the
// prompt as one batch, then generate greedily one token per llama_decode.
// Each run starts from an empty KV cache. One JSON object per run goes to
// stdout; llama.cpp's log goes nowhere.
//
//   bench -m model.gguf -f prompt.txt -t threads -n tokens -r runs -c ctx -w warmup
//
// With -r 0 it runs once per line read from stdin (after the warm-up runs),
// so that a driver can interleave its runs with another program's.
//
// Build: see the bench-infer target in the Makefile (headers from
// `make llama-headers`, libraries from `make llama-libs`).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "llama.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// cpu_ticks returns the busy clock ticks of the whole machine and of this
// process, so that a run can report how much CPU other processes used
// meanwhile (their threads compete with ggml's spinning workers).
static void cpu_ticks(long long *machine, long long *self) {
    *machine = *self = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (f) {
        long long v[8] = {0};
        if (fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
            *machine = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        fclose(f);
    }
    f = fopen("/proc/self/stat", "r");
    if (f) {
        char buf[1024];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        char *p = strrchr(buf, ')');
        long long ut = 0, st = 0;
        // fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) == 2) *self = ut + st;
        fclose(f);
    }
}

static void quiet(enum ggml_log_level level, const char *text, void *data) {
    (void)level; (void)text; (void)data;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(buf); return NULL; }
    buf[n] = 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    const char *model_path = NULL, *prompt_path = NULL;
    int threads = 1, n_gen = 32, runs = 5, n_ctx = 0, warmup = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-m")) model_path = argv[i + 1];
        else if (!strcmp(argv[i], "-f")) prompt_path = argv[i + 1];
        else if (!strcmp(argv[i], "-t")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-n")) n_gen = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r")) runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-c")) n_ctx = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-w")) warmup = atoi(argv[i + 1]);
    }
    if (!model_path || !prompt_path || n_gen < 2) {
        fprintf(stderr, "usage: %s -m model.gguf -f prompt.txt [-t threads] [-n tokens>=2] [-r runs] [-c ctx] [-w warmup]\n", argv[0]);
        return 2;
    }
    char *prompt = read_file(prompt_path);
    if (!prompt) { fprintf(stderr, "cannot read %s\n", prompt_path); return 1; }

    if (!getenv("BENCH_VERBOSE")) llama_log_set(quiet, NULL);
    llama_backend_init();
    // The CPU backends (libggml-cpu-*.so) sit beside libllama: load them from
    // there, as package metal does.
    Dl_info info;
    if (!dladdr((void *)llama_backend_init, &info) || !info.dli_fname) { fprintf(stderr, "cannot locate libllama\n"); return 1; }
    char *libpath = strdup(info.dli_fname);
    ggml_backend_load_all_from_path(dirname(libpath));
    free(libpath);

    struct llama_model_params mp = llama_model_default_params();
    struct llama_model *model = llama_model_load_from_file(model_path, mp);
    if (!model) { fprintf(stderr, "cannot load %s\n", model_path); return 1; }
    const struct llama_vocab *vocab = llama_model_get_vocab(model);

    int n_prompt = -llama_tokenize(vocab, prompt, (int32_t)strlen(prompt), NULL, 0, true, false);
    llama_token *tokens = malloc(sizeof(llama_token) * (size_t)n_prompt);
    if (llama_tokenize(vocab, prompt, (int32_t)strlen(prompt), tokens, n_prompt, true, false) != n_prompt) {
        fprintf(stderr, "tokenize failed\n");
        return 1;
    }
    if (n_ctx <= 0) {
        n_ctx = llama_model_n_ctx_train(model);
        if (n_ctx > 4096) n_ctx = 4096;
    }

    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t)n_ctx;
    cp.n_batch = (uint32_t)(n_prompt > 512 ? n_prompt : 512);
    cp.n_ubatch = cp.n_batch;
    cp.n_seq_max = 1;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.no_perf = true;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (!ctx) { fprintf(stderr, "cannot create a context\n"); return 1; }

    struct llama_sampler *smpl = llama_sampler_chain_init(llama_sampler_chain_default_params());
    llama_sampler_chain_add(smpl, llama_sampler_init_greedy());

    struct llama_batch batch = llama_batch_init(cp.n_batch, 0, 1);
    char piece[256];

    int interactive = runs == 0;
    char line[64];
    for (int run = -warmup; interactive || run < runs; run++) {
        if (interactive && run >= 0 && !fgets(line, sizeof line, stdin)) break;
        llama_memory_clear(llama_get_memory(ctx), true);
        llama_sampler_reset(smpl);

        batch.n_tokens = n_prompt;
        for (int i = 0; i < n_prompt; i++) {
            batch.token[i] = tokens[i];
            batch.pos[i] = i;
            batch.n_seq_id[i] = 1;
            batch.seq_id[i][0] = 0;
            batch.logits[i] = i == n_prompt - 1;
        }
        long long m0, s0, m1, s1;
        cpu_ticks(&m0, &s0);
        double t0 = now_s();
        if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "prompt decode failed\n"); return 1; }
        llama_token tok = llama_sampler_sample(smpl, ctx, -1);
        double t1 = now_s();
        int produced = 1, bytes = 0;
        for (; produced < n_gen; produced++) {
            bytes += llama_token_to_piece(vocab, tok, piece, sizeof piece, 0, false);
            batch.n_tokens = 1;
            batch.token[0] = tok;
            batch.pos[0] = n_prompt + produced - 1;
            batch.n_seq_id[0] = 1;
            batch.seq_id[0][0] = 0;
            batch.logits[0] = 1;
            if (llama_decode(ctx, batch) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
            tok = llama_sampler_sample(smpl, ctx, -1);
        }
        double t2 = now_s();
        cpu_ticks(&m1, &s1);
        if (run < 0) continue;
        printf("{\"run\":%d,\"threads\":%d,\"prompt_tokens\":%d,\"gen_tokens\":%d,\"prompt_s\":%.6f,\"gen_s\":%.6f,"
               "\"prompt_tps\":%.3f,\"gen_tps\":%.3f,\"bytes\":%d,\"foreign_cpu_s\":%.2f}\n",
               run, threads, n_prompt, produced, t1 - t0, t2 - t1,
               n_prompt / (t1 - t0), (produced - 1) / (t2 - t1), bytes,
               (double)((m1 - m0) - (s1 - s0)) / (double)sysconf(_SC_CLK_TCK));
        fflush(stdout);
    }

    llama_batch_free(batch);
    llama_sampler_free(smpl);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    free(tokens);
    free(prompt);
    return 0;
}
