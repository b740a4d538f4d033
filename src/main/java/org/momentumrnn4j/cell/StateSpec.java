package org.momentumrnn4j.cell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The state tensors a cell carries from step to step: an ordered list of named slots, each
 * {@code [batch, width]}. The first slot is always the hidden state {@code h}.
 *
 * <p>A cell declares its spec; every caller (the sequence layer, masking, carrying, persistence) works
 * from the spec and never from the concrete cell class.
 */
public final class StateSpec {
    /** One named state tensor of width {@code width} per sample. */
    public record Slot(String name, int width) {
        /** Validates the slot. */
        public Slot {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("state slot name must be non-blank");
            }
            if (width < 1) {
                throw new IllegalArgumentException("state slot '" + name + "' width must be >= 1, got " + width);
            }
        }
    }

    private final List<Slot> slots;
    private final boolean hasCounter;

    /** A spec with the given slots ({@code h} first) and whether the cell uses the restart counter k. */
    public StateSpec(List<Slot> slots, boolean hasCounter) {
        if (slots.isEmpty() || !slots.get(0).name().equals("h")) {
            throw new IllegalArgumentException("the first state slot must be 'h', got " + slots);
        }
        for (int i = 0; i < slots.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (slots.get(i).name().equals(slots.get(j).name())) {
                    throw new IllegalArgumentException("duplicate state slot '" + slots.get(i).name() + "'");
                }
            }
        }
        this.slots = Collections.unmodifiableList(new ArrayList<>(slots));
        this.hasCounter = hasCounter;
    }

    /** The slots in order. */
    public List<Slot> slots() {
        return slots;
    }

    /** Number of slots. */
    public int size() {
        return slots.size();
    }

    /** Position of the named slot, or −1. */
    public int indexOf(String name) {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the cell uses the scheduled-restart counter k (spec/cells.md §4). */
    public boolean hasCounter() {
        return hasCounter;
    }

    /** A spec extended by more slots. */
    public StateSpec plus(List<Slot> more, boolean counter) {
        List<Slot> all = new ArrayList<>(slots);
        all.addAll(more);
        return new StateSpec(all, hasCounter || counter);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < slots.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(slots.get(i).name()).append('[').append(slots.get(i).width()).append(']');
        }
        return b.append(hasCounter ? ", k)" : ")").toString();
    }
}
