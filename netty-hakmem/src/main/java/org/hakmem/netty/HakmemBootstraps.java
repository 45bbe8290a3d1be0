/*
 * HakmemBootstraps: one call to make an allocator the allocator of a Netty bootstrap.
 *
 * Null is refused here because Netty's option(key, null) removes the option: a null allocator would
 * silently take away the allocator set before, and the channels would get Netty's default one.
 *
 * useIfAvailable is for code that also runs where netty-hakmem cannot (a developer's macOS or Windows):
 * there it leaves the bootstrap alone and says why once per process, not once per bootstrap (a server
 * may set up many). Where netty-hakmem can run it is use(): a configuration error still fails loudly.
 */
package org.hakmem.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes an allocator the allocator of a Netty bootstrap's channels, by setting
 * {@link ChannelOption#ALLOCATOR}, replacing any allocator set there before. Call it while setting the
 * bootstrap up, before it binds or connects, and after {@code group(...)}: a netty-hakmem allocator
 * then also watches the bootstrap's event loop groups ({@link HakmemByteBufAllocator#watchEventLoops}),
 * so that an event loop whose buffers other threads released does not keep their memory while it
 * idles. The {@code use} methods return the bootstrap they were given, for chaining; the
 * {@code useIfAvailable} methods return whether they set the allocator. Null arguments are refused:
 * Netty would take a null allocator as "remove the option".
 */
public final class HakmemBootstraps {
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(HakmemBootstraps.class);
    /** useIfAvailable says once per process why bootstraps keep their allocator. */
    private static final AtomicBoolean UNAVAILABLE_LOGGED = new AtomicBoolean();

    private HakmemBootstraps() {
    }

    /**
     * Sets {@link HakmemByteBufAllocator#DEFAULT} on the server channel and on every accepted child
     * channel.
     *
     * @param bootstrap the server bootstrap to set up
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} is null
     */
    public static ServerBootstrap use(ServerBootstrap bootstrap) {
        return use(bootstrap, HakmemByteBufAllocator.DEFAULT);
    }

    /**
     * Sets {@code allocator} on the server channel and on every accepted child channel.
     *
     * @param bootstrap the server bootstrap to set up
     * @param allocator the allocator its channels use
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} or {@code allocator} is null
     */
    public static ServerBootstrap use(ServerBootstrap bootstrap, ByteBufAllocator allocator) {
        checkArguments(bootstrap, allocator);
        watch(allocator, bootstrap.config().group());
        watch(allocator, bootstrap.config().childGroup());
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator).childOption(ChannelOption.ALLOCATOR, allocator);
    }

    /**
     * Sets {@link HakmemByteBufAllocator#DEFAULT} on the channels a client bootstrap creates.
     *
     * @param bootstrap the client bootstrap to set up
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} is null
     */
    public static Bootstrap use(Bootstrap bootstrap) {
        return use(bootstrap, HakmemByteBufAllocator.DEFAULT);
    }

    /**
     * Sets {@code allocator} on the channels a client bootstrap creates.
     *
     * @param bootstrap the client bootstrap to set up
     * @param allocator the allocator its channels use
     * @return {@code bootstrap}
     * @throws NullPointerException if {@code bootstrap} or {@code allocator} is null
     */
    public static Bootstrap use(Bootstrap bootstrap, ByteBufAllocator allocator) {
        checkArguments(bootstrap, allocator);
        watch(allocator, bootstrap.config().group());
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator);
    }

    /**
     * As {@link #use(ServerBootstrap)} where netty-hakmem can run ({@link Hakmem#isAvailable()});
     * elsewhere leaves the bootstrap's allocator as it is (the one set before, else Netty's default),
     * and logs why at INFO, once per process. Where netty-hakmem can run but a netty-hakmem system
     * property or environment variable is invalid, it throws as {@link #use(ServerBootstrap)} does: a
     * configuration error is not a reason to fall back.
     *
     * @param bootstrap the server bootstrap to set up
     * @return true if it set {@link HakmemByteBufAllocator#DEFAULT}, false if it left the bootstrap as it was
     * @throws NullPointerException if {@code bootstrap} is null
     * @throws ExceptionInInitializerError if {@link HakmemByteBufAllocator#DEFAULT} cannot be built
     *         from the settings (the first use of that class; later uses throw NoClassDefFoundError)
     */
    public static boolean useIfAvailable(ServerBootstrap bootstrap) {
        return ifAvailable(bootstrap, () -> use(bootstrap));
    }

    /**
     * As {@link #use(Bootstrap)} where netty-hakmem can run ({@link Hakmem#isAvailable()}); elsewhere
     * leaves the bootstrap's allocator as it is and logs why, as
     * {@link #useIfAvailable(ServerBootstrap)} does.
     *
     * @param bootstrap the client bootstrap to set up
     * @return true if it set {@link HakmemByteBufAllocator#DEFAULT}, false if it left the bootstrap as it was
     * @throws NullPointerException if {@code bootstrap} is null
     * @throws ExceptionInInitializerError if {@link HakmemByteBufAllocator#DEFAULT} cannot be built
     *         from the settings (the first use of that class; later uses throw NoClassDefFoundError)
     */
    public static boolean useIfAvailable(Bootstrap bootstrap) {
        return ifAvailable(bootstrap, () -> use(bootstrap));
    }

    /**
     * Runs {@code use} where netty-hakmem is available; elsewhere says, the first time, why the
     * bootstraps keep their allocator.
     */
    private static boolean ifAvailable(Object bootstrap, Runnable use) {
        checkBootstrap(bootstrap);
        Throwable cause = Hakmem.unavailabilityCause();
        if (cause == null) {
            use.run();
            return true;
        }
        if (UNAVAILABLE_LOGGED.compareAndSet(false, true)) {
            LOG.info("netty-hakmem is not available here, so HakmemBootstraps.useIfAvailable leaves bootstraps"
                    + " with the allocator they have (Netty's default unless one was set): {}", cause.toString());
        }
        return false;
    }

    /** Lets a netty-hakmem allocator reach the group's idle event loops (watchEventLoops), if set yet. */
    private static void watch(ByteBufAllocator allocator, EventLoopGroup group) {
        if (group != null && allocator instanceof HakmemByteBufAllocator) {
            ((HakmemByteBufAllocator) allocator).watchEventLoops(group);
        }
    }

    private static void checkArguments(Object bootstrap, ByteBufAllocator allocator) {
        checkBootstrap(bootstrap);
        Objects.requireNonNull(allocator, "allocator: null (expected: the allocator the channels use; Netty"
                + " would take null as removing the allocator option)");
    }

    private static void checkBootstrap(Object bootstrap) {
        Objects.requireNonNull(bootstrap, "bootstrap: null (expected: the bootstrap to set up)");
    }
}
