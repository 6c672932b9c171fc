#pragma once
/**
 * @file overloaded.hpp
 * @brief overloaded{lambdas...}: one visitor from several lambdas, for std::visit
 *        over a scenario source. A visit that lacks a case for a new kind of
 *        source (a design, say) fails to compile instead of taking a default.
 */
namespace coopgrid {

template <class... Fn>
struct overloaded : Fn... {
  using Fn::operator()...;
};
template <class... Fn>
overloaded(Fn...) -> overloaded<Fn...>;

}  // namespace coopgrid
