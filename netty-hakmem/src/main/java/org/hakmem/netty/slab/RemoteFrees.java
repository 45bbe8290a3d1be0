/*
 * RemoteFrees: the part of a span that other threads write - the remote free list head and the
 * ready flag (see Slab) - on cache lines of its own.
 *
 * A remote free CASes `head`; the owner pops slots by reading and writing Slab's plain fields. Were
 * both in one object they would share a cache line, and every remote free would steal the line the
 * owner allocates from (false sharing). The padding classes put 64 bytes before and after the
 * fields. The int p0 fills the hole after the object header, where the JVM would otherwise put
 * `ready` (see PaddedReference); FieldLayoutTest checks the layout.
 */
package org.hakmem.netty.slab;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class RemoteFreesPadBefore {
    /** Takes the 4-byte hole after the object header, which `ready` would otherwise fill. */
    int p0;
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class RemoteFreesFields extends RemoteFreesPadBefore {
    /** (count << 32) | (slot + 1); 0 = empty. Through HEAD. */
    volatile long head;
    /** Slab.READY_IDLE, READY_PUSHING or READY_QUEUED (see Slab's banner). Through READY. */
    volatile int ready;
    /** Link of the owner's ready stack: written by the pusher before its CAS, read by the owner. */
    Slab readyNext;
}

final class RemoteFrees extends RemoteFreesFields {
    static final VarHandle HEAD;
    static final VarHandle READY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(RemoteFreesFields.class, "head", long.class);
            READY = l.findVarHandle(RemoteFreesFields.class, "ready", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long p10, p11, p12, p13, p14, p15, p16, p17;
}
