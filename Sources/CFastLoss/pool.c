/*
 * Persistent worker threads. A run publishes (task, context, count) under a new generation
 * number; the caller and the workers claim items from one atomic word holding (generation, next
 * item), so a worker still holding an older generation can never claim an item of a newer run.
 * The caller returns when every item is done, without waiting for workers that never woke up:
 * on a busy machine a descheduled worker costs nothing but its share of the work.
 * Between runs (one per epoch) an idle worker spins for a short while, so that the next epoch
 * starts without a system call, then sleeps on a condition variable.
 */
#define _GNU_SOURCE
#include "CFastLoss.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* How long an idle worker (or the waiting caller) spins before it sleeps. */
#define NPLM_SPIN_NANOSECONDS 200000
/* The item index of a claim word while a run is being published. */
#define NPLM_NOT_READY 0xFFFFFFFFu

struct nplm_pool {
    int32_t threads;
    pthread_t *workers;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    pthread_cond_t finished;
    _Atomic uint64_t generation; /* the latest published run */
    _Atomic uint64_t claim;      /* (generation << 32) | next item */
    _Atomic int64_t done;        /* items of the current run completed */
    _Atomic int32_t stop;
    _Atomic int64_t count;      /* items of the current run */
    nplm_task task;
    const void *context;
};

typedef struct {
    nplm_pool *pool;
    int32_t index;
} worker_start;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static uint64_t now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int new_run(nplm_pool *pool, uint64_t seen) {
    return atomic_load_explicit(&pool->generation, memory_order_acquire) != seen
        || atomic_load_explicit(&pool->stop, memory_order_acquire);
}

static int run_finished(nplm_pool *pool, uint64_t unused) {
    (void)unused;
    return atomic_load_explicit(&pool->done, memory_order_acquire) == atomic_load_explicit(&pool->count, memory_order_relaxed);
}

/* Spins until ready(pool, value) or the spin time is over; returns ready(pool, value). */
static int spin_until(nplm_pool *pool, uint64_t value, int (*ready)(nplm_pool *, uint64_t)) {
    uint64_t start = now_nanoseconds();
    for (int i = 1;; i++) {
        if (ready(pool, value)) return 1;
        cpu_relax();
        if ((i & 63) == 0 && now_nanoseconds() - start > NPLM_SPIN_NANOSECONDS) return ready(pool, value);
    }
}

/* Claims and runs items of run `generation` until none is left. */
static void drain(nplm_pool *pool, uint64_t generation, int32_t worker) {
    for (;;) {
        uint64_t word = atomic_load_explicit(&pool->claim, memory_order_acquire);
        for (;;) {
            if (word >> 32 != generation
                || (int64_t)(word & 0xFFFFFFFFu) >= atomic_load_explicit(&pool->count, memory_order_relaxed))
                return;
            if (atomic_compare_exchange_weak_explicit(&pool->claim, &word, word + 1, memory_order_acq_rel,
                                                      memory_order_acquire))
                break;
        }
        pool->task(pool->context, (int64_t)(word & 0xFFFFFFFFu), worker);
        if (atomic_fetch_add_explicit(&pool->done, 1, memory_order_acq_rel) + 1
            == atomic_load_explicit(&pool->count, memory_order_relaxed)) {
            pthread_mutex_lock(&pool->mutex);
            pthread_cond_signal(&pool->finished);
            pthread_mutex_unlock(&pool->mutex);
        }
    }
}

static void *worker_main(void *argument) {
    worker_start start = *(worker_start *)argument;
    free(argument);
    nplm_pool *pool = start.pool;
    uint64_t seen = 0;
    for (;;) {
        if (!spin_until(pool, seen, new_run)) {
            pthread_mutex_lock(&pool->mutex);
            while (!new_run(pool, seen)) pthread_cond_wait(&pool->wake, &pool->mutex);
            pthread_mutex_unlock(&pool->mutex);
        }
        if (atomic_load_explicit(&pool->stop, memory_order_acquire)) return NULL;
        seen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        drain(pool, seen, start.index);
    }
}

nplm_pool *nplm_pool_create(int32_t threads) {
    if (threads < 1) threads = 1;
    nplm_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->finished, NULL);
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->claim, NPLM_NOT_READY);
    atomic_init(&pool->done, 0);
    atomic_init(&pool->count, 0);
    atomic_init(&pool->stop, 0);
    pool->workers = calloc((size_t)threads, sizeof(pthread_t));
    if (!pool->workers) {
        free(pool);
        return NULL;
    }
    for (int32_t w = 1; w < threads; w++) {
        worker_start *start = malloc(sizeof *start);
        if (start) {
            start->pool = pool;
            start->index = w;
        }
        if (!start || pthread_create(&pool->workers[w], NULL, worker_main, start) != 0) {
            free(start);
            pool->threads = w; /* the workers started so far are joined by destroy */
            nplm_pool_destroy(pool);
            return NULL;
        }
    }
    return pool;
}

void nplm_pool_destroy(nplm_pool *pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->mutex);
    atomic_store_explicit(&pool->stop, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int32_t w = 1; w < pool->threads; w++) pthread_join(pool->workers[w], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->finished);
    pthread_mutex_destroy(&pool->mutex);
    free(pool->workers);
    free(pool);
}

int32_t nplm_pool_threads(const nplm_pool *pool) { return pool->threads; }

void nplm_pool_run(nplm_pool *pool, int64_t count, nplm_task task, const void *context) {
    if (pool->threads == 1 || count <= 1 || count >= (int64_t)NPLM_NOT_READY) {
        for (int64_t i = 0; i < count; i++) task(context, i, 0);
        return;
    }
    const uint64_t generation = atomic_load_explicit(&pool->generation, memory_order_relaxed) + 1;
    /* 1. make every older claim word stale, 2. publish the run, 3. open it for claims */
    atomic_store_explicit(&pool->claim, generation << 32 | NPLM_NOT_READY, memory_order_seq_cst);
    atomic_store_explicit(&pool->count, count, memory_order_relaxed);
    pool->task = task;
    pool->context = context;
    atomic_store_explicit(&pool->done, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->claim, generation << 32, memory_order_release);
    pthread_mutex_lock(&pool->mutex);
    atomic_store_explicit(&pool->generation, generation, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    drain(pool, generation, 0);
    if (!spin_until(pool, 0, run_finished)) {
        pthread_mutex_lock(&pool->mutex);
        while (!run_finished(pool, 0)) pthread_cond_wait(&pool->finished, &pool->mutex);
        pthread_mutex_unlock(&pool->mutex);
    }
}

static void plan_task(const void *context, int64_t item, int32_t worker) {
    nplm_compute_item((const nplm_plan *)context, item, worker);
}

void nplm_run_plan(nplm_pool *pool, const nplm_plan *plan, int64_t item_count) {
    nplm_pool_run(pool, item_count, plan_task, plan);
}
