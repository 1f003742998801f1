/*
 * Helpers of the SystemC/TLM wrapper (gic_tlm.h): conversions between
 * SystemC time and the core's picoseconds, and the small priority queue the
 * wrapper keeps its posted MSIs and agenda steps in.
 */
#ifndef GICTLM_GIC_TLM_UTIL_H
#define GICTLM_GIC_TLM_UTIL_H

#include <systemc>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

namespace gictlm {

/* Conversions between sc_time and picoseconds (time resolution must be <= 1 ps).
 * The units per ps are looked up once (the resolution is fixed from the first
 * sc_time on) and kept in a plain variable: these run several times per
 * MSI, a function-local static would cost a guard check and a call each. */
namespace detail {
inline uint64_t units_per_ps = 0;
}
inline uint64_t sc_units_per_ps()
{
    uint64_t u = detail::units_per_ps;
    if (__builtin_expect(u == 0, 0)) u = detail::units_per_ps = sc_core::sc_time(1, sc_core::SC_PS).value();
    return u;
}
inline uint64_t to_ps(const sc_core::sc_time &t)
{
    const uint64_t u = sc_units_per_ps();
    return u == 1 ? t.value() : (u ? t.value() / u : 0);
}
/* An sc_time of v time units, built inline: what sc_time::from_value(v) does
 * (a library call, several per register access) once the time resolution is
 * fixed, which it is from the first sc_units_per_ps() on (that constructs an
 * sc_time in ps). sc_time is a standard-layout class whose only member is its
 * value, so the object and that member are pointer-interconvertible. */
static_assert(std::is_standard_layout<sc_core::sc_time>::value &&
                  sizeof(sc_core::sc_time) == sizeof(sc_core::sc_time::value_type),
              "sc_time is expected to hold its value only");
inline sc_core::sc_time sc_time_units(sc_core::sc_time::value_type v)
{
    sc_units_per_ps(); /* (the resolution is fixed) */
    sc_core::sc_time t;
    *reinterpret_cast<sc_core::sc_time::value_type *>(&t) = v;
    return t;
}
inline sc_core::sc_time from_ps(uint64_t ps) { return sc_time_units(ps * sc_units_per_ps()); }
/* sc_time_stamp() without the call into the library (the kernel's current
 * time, inline in sc_simcontext.h): the register and memory paths ask it
 * once or twice per access. */
inline const sc_core::sc_time &sim_now() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }

#if defined(__GNUC__)
#define GICTLM_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define GICTLM_ALWAYS_INLINE inline
#endif

/*
 * Priority queue for the wrapper's few pending items (posted MSIs, agenda
 * steps: about one per device and CPU). Up to kSorted entries it is a vector
 * sorted latest first, so top() and pop() are at the back in O(1) and push()
 * searches from the back, where near-term items go (a client's next step):
 * usually one comparison and no move. Beyond kSorted entries it becomes a
 * binary heap on the same vector (std::push_heap) until it has drained back
 * to kSorted / 2. T's operator> is a total order, so every representation
 * gives the same sequence. T has a time t; top_t() is the earliest one
 * (UINT64_MAX when empty), kept in a member: the driver's loop asks for it
 * several times per item and it is one load instead of two and a branch.
 */
template <class T> class small_pq {
public:
    bool empty() const { return n_ == 0; }
    size_t size() const { return n_; }
    const T &top() const { return heap_ ? v_[0] : v_[n_ - 1]; }
    uint64_t top_t() const { return top_t_; }
    /* Inlined, and x never passed to an out-of-line function (the storage
     * grows separately): x, usually built field by field by the caller, then
     * stays in registers instead of being copied through memory (a wide load
     * right after narrow stores stalls on store forwarding). */
#if defined(__GNUC__)
    __attribute__((always_inline))
#endif
    void push(const T &x)
    {
        if (x.t < top_t_) top_t_ = x.t;
        if (n_ == cap_) grow();
        if (!heap_) {
            if (n_ < kSorted) {
                /* insertion: move the earlier items one up, x goes above them */
                size_t i = n_++;
                while (i > 0 && x > v_[i - 1]) {
                    v_[i] = v_[i - 1];
                    i--;
                }
                v_[i] = x;
                return;
            }
            std::make_heap(v_.begin(), v_.begin() + (std::ptrdiff_t)n_, std::greater<T>());
            heap_ = true;
        }
        v_[n_++] = x;
        std::push_heap(v_.begin(), v_.begin() + (std::ptrdiff_t)n_, std::greater<T>());
    }
    void pop()
    {
        if (!heap_) {
            n_--;
            top_t_ = n_ ? v_[n_ - 1].t : UINT64_MAX;
            return;
        }
        std::pop_heap(v_.begin(), v_.begin() + (std::ptrdiff_t)n_, std::greater<T>());
        n_--;
        if (n_ <= kSorted / 2) {
            std::sort(v_.begin(), v_.begin() + (std::ptrdiff_t)n_, std::greater<T>()); /* latest first */
            heap_ = false;
        }
        top_t_ = n_ ? top().t : UINT64_MAX;
    }

private:
    static constexpr size_t kSorted = 32;
    void grow()
    {
        v_.resize(v_.size() * 2 + 16);
        cap_ = v_.size();
    }
    std::vector<T> v_; /* [0, n_) used */
    size_t n_ = 0, cap_ = 0;
    uint64_t top_t_ = UINT64_MAX; /* top().t, UINT64_MAX when empty */
    bool heap_ = false;
};

} // namespace gictlm
#endif
