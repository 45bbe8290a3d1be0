#!/usr/bin/env python3
"""
span_model.py: a model (not the allocator) of where mixed-ws400-32k's memory goes, to weigh layouts
for size classes above a few KiB before building one. docs/BENCHMARKS.md (Experiments, session 5)
quotes its output.

The workload is BRIEF.md's mixed-ws400-32k: 400 slots, each step replaces the buffer of a random
slot by a new one of a uniform size in 16..32768 B. The model follows one thread heap:

  classes  every size class has its own spans of whole 64 KiB slabs (SizeClasses: the smallest run
           of slabs that holds TARGET_SLOTS slots, at most MAX_SPAN_SLABS, unless one slot needs
           more), a current span, and an available list taken last-in first-out (ThreadHeap). A span
           that empties goes back at once (LEAN keeps no spare).
  runs     classes whose slot is above --run-min take page runs (ceil(slot / 4 KiB) pages) from run
           areas of --area-pages pages, first fit in the order the areas were made; an area goes
           back when it empties. Smaller classes keep their spans as above.

Reported, over the steps after --warmup: live bytes (slot sizes), and three peaks: the slabs held;
the pages touched in what is held (lazy bump: a slot or run is touched when first handed out); and
an estimate of resident bytes, the slabs held by spans plus the pages touched in run areas. The
pool is not modelled. In the allocator a span that empties is released and soon cut again for
another class, keeping the pages its last class touched, so spans end up fully resident (measured:
within 0.3 MiB of "held" for today's spans and for one-slab spans). Run areas hold many buffers and
rarely empty, so only their touched pages count.

  python3 bench/model/span_model.py                              # classes, as built
  python3 bench/model/span_model.py --target-slots 1             # one-slab spans for classes <= 64 KiB
  python3 bench/model/span_model.py --run-min 8192 --area-pages 512
"""
import argparse
import random

SLAB = 64 * 1024
PAGE = 4096


def slot_size(c):
    if c == 0:
        return 16
    group, step = (c - 1) >> 2, (c - 1) & 3
    return (16 << group) + (step + 1) * (4 << group)


def class_of(size):
    if size <= 16:
        return 0
    k = (size - 1).bit_length() - 1
    return 4 * (k - 4) + ((size - 1) >> (k - 2)) - 3


def slabs_for(nbytes):
    return (nbytes + SLAB - 1) // SLAB


def span_slabs(c, target_slots, max_span_slabs):
    size = slot_size(c)
    slabs = max(slabs_for(size), min(max_span_slabs, slabs_for(size * target_slots)))
    return slabs_for(slabs * SLAB // size * size)


class Span:
    def __init__(self, c, slabs):
        self.c, self.size, self.slabs = c, slot_size(c), slabs
        self.slots = slabs * SLAB // self.size
        self.used = self.bump = 0
        self.free = []
        self.state = "current"


class Area:
    def __init__(self, pages):
        self.pages, self.taken, self.touched, self.used = pages, 0, 0, 0


class Heap:
    def __init__(self, a):
        self.a = a
        self.current, self.available, self.areas = {}, {}, []
        self.held = 0      # bytes of slabs (spans) and areas held
        self.touched = 0   # bytes touched in them
        self.span_held = 0     # bytes of slabs held by spans only
        self.area_touched = 0  # bytes touched in run areas only

    def allocate(self, size):
        c = class_of(size)
        if slot_size(c) > self.a.run_min:
            return self.allocate_run(-(-slot_size(c) // PAGE))
        s = self.current.get(c)
        if s is None or (s.bump >= s.slots and not s.free):
            if s is not None:
                s.state = "full"
            avail = self.available.setdefault(c, [])
            if avail:
                s = avail.pop()
            else:
                s = Span(c, span_slabs(c, self.a.target_slots, self.a.max_span_slabs))
                self.held += s.slabs * SLAB
                self.span_held += s.slabs * SLAB
            s.state = "current"
            self.current[c] = s
        if s.free:
            slot = s.free.pop()
        else:
            slot, s.bump = s.bump, s.bump + 1
            self.touched += s.size
        s.used += 1
        return ("slot", s, slot)

    def allocate_run(self, n):
        for area in self.areas:
            fits = ~area.taken & ((1 << area.pages) - 1)
            for _ in range(n - 1):
                fits &= fits >> 1
            if fits:
                return self.take(area, (fits & -fits).bit_length() - 1, n)
        area = Area(self.a.area_pages)
        self.areas.append(area)
        self.held += area.pages * PAGE
        return self.take(area, 0, n)

    def take(self, area, first, n):
        mask = ((1 << n) - 1) << first
        area.taken |= mask
        newly_touched = bin(mask & ~area.touched).count("1") * PAGE
        self.touched += newly_touched
        self.area_touched += newly_touched
        area.touched |= mask
        area.used += 1
        return ("run", area, mask)

    def release(self, handle):
        kind, s, x = handle
        if kind == "run":
            s.taken &= ~x
            s.used -= 1
            if s.used == 0:
                self.areas.remove(s)
                self.held -= s.pages * PAGE
                area_touched = bin(s.touched).count("1") * PAGE
                self.touched -= area_touched
                self.area_touched -= area_touched
            return
        s.free.append(x)
        s.used -= 1
        if s.state == "full":
            s.state = "available"
            self.available.setdefault(s.c, []).append(s)
        if s.used == 0 and s.state == "available":
            self.available[s.c].remove(s)
            self.held -= s.slabs * SLAB
            self.span_held -= s.slabs * SLAB
            self.touched -= min(s.bump * s.size, s.slabs * SLAB)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=600_000)
    p.add_argument("--warmup", type=int, default=150_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--target-slots", type=int, default=8)
    p.add_argument("--max-span-slabs", type=int, default=8)
    p.add_argument("--run-min", type=int, default=1 << 30, help="slot sizes above this take page runs")
    p.add_argument("--area-pages", type=int, default=512)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    heap = Heap(a)
    slots = [None] * 400
    live = [0] * 400
    held_peak = touched_peak = estimate_peak = 0
    for step in range(a.steps):
        k = rnd.randrange(400)
        if slots[k] is not None:
            heap.release(slots[k])
        size = rnd.randint(16, 32768)
        slots[k] = heap.allocate(size)
        live[k] = slot_size(class_of(size))
        if step >= a.warmup:
            held_peak = max(held_peak, heap.held)
            touched_peak = max(touched_peak, heap.touched)
            estimate_peak = max(estimate_peak, heap.span_held + heap.area_touched)
    mib = 1 << 20
    print(f"live {sum(live) / mib:.2f} MiB, held peak {held_peak / mib:.2f} MiB, touched peak "
          f"{touched_peak / mib:.2f} MiB, resident estimate {estimate_peak / mib:.2f} MiB ({vars(a)})")


if __name__ == "__main__":
    main()
