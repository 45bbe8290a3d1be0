/*
 * HakmemBootstraps: one call to make an allocator the allocator of a Netty bootstrap.
 */
package org.hakmem.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;

public final class HakmemBootstraps {
    private HakmemBootstraps() {
    }

    /** Sets {@link HakmemByteBufAllocator#DEFAULT} on the server channel and on every accepted child. */
    public static ServerBootstrap use(ServerBootstrap bootstrap) {
        return use(bootstrap, HakmemByteBufAllocator.DEFAULT);
    }

    /** Sets {@code allocator} on the server channel and on every accepted child channel. */
    public static ServerBootstrap use(ServerBootstrap bootstrap, ByteBufAllocator allocator) {
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator).childOption(ChannelOption.ALLOCATOR, allocator);
    }

    /** Sets {@link HakmemByteBufAllocator#DEFAULT} on a client bootstrap's channels. */
    public static Bootstrap use(Bootstrap bootstrap) {
        return use(bootstrap, HakmemByteBufAllocator.DEFAULT);
    }

    public static Bootstrap use(Bootstrap bootstrap, ByteBufAllocator allocator) {
        return bootstrap.option(ChannelOption.ALLOCATOR, allocator);
    }
}
