package io.pvfhost.common.types;

import io.pvfhost.common.Hex;
import java.util.Arrays;
import java.util.Objects;

/** A horizontal message a parachain sends: recipient para id (u32) and the bytes. Array not copied. */
public record OutboundHrmpMessage(long recipient, byte[] data) {

    public OutboundHrmpMessage {
        Objects.requireNonNull(data, "data");
        if (recipient < 0 || recipient > 0xffff_ffffL) {
            throw new IllegalArgumentException("recipient is not a u32 para id: " + recipient);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboundHrmpMessage m && recipient == m.recipient && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(recipient) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "OutboundHrmpMessage[recipient=" + recipient + ", data=" + Hex.abbreviate(data, 64) + "]";
    }
}
